/**
 * Starting a tfjs backend in Node for the CLI commands (eval, infer, train): one place for the --backend
 * values, the wasm binaries' location, the auto choice and the failure message.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CliError } from './command';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];
/** What --backend takes: a backend, or auto = the fastest one that starts here. */
export type BackendChoice = NodeBackend | 'auto';

/** Fastest first: in Node, wasm runs the NEZHA models several times faster than the plain-JS cpu backend. */
const AUTO_ORDER: readonly NodeBackend[] = ['wasm', 'cpu'];

/** The --backend value, checked; `command` names the CLI command in the error. */
export function parseBackendChoice(value: unknown, command: string): BackendChoice {
  const choices: readonly string[] = ['auto', ...NODE_BACKENDS];
  if (typeof value === 'string' && choices.includes(value)) return value as BackendChoice;
  throw new CliError(`${command}: --backend must be one of ${choices.join(', ')}, got "${String(value)}"`);
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, which the backend reads from disk in Node. */
export function wasmBinariesFolder(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

let wasmPathsSet = false;

/** Registers and initialises one backend; returns why it did not start, or null when it did. */
export async function startTfjsBackend(name: NodeBackend): Promise<string | null> {
  // PROD silences tfjs's console banner ("install tfjs-node"), which would mix into the CLI's output.
  tf.env().set('PROD', true);
  try {
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // setWasmPaths only takes effect before the backend's first initialisation; later calls would warn.
      if (!wasmPathsSet) wasm.setWasmPaths(wasmBinariesFolder());
      wasmPathsSet = true;
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    if (!(await tf.setBackend(name))) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

export interface StartedBackend {
  backend: NodeBackend;
  /** One line for stderr: which backend runs and, for auto, why that one. */
  note: string;
}

/**
 * Starts the chosen backend, or for auto the first of wasm, cpu that starts. `command` names the CLI command
 * in the note and in the error when no backend starts. `start` is the starter (tests pass a failing one).
 */
export async function startNodeBackend(
  choice: BackendChoice,
  command: string,
  start: (name: NodeBackend) => Promise<string | null> = startTfjsBackend,
): Promise<StartedBackend> {
  if (choice !== 'auto') {
    const failure = await start(choice);
    if (failure !== null)
      throw new CliError(`${command}: the tfjs ${choice} backend failed to start: ${failure}`);
    return { backend: choice, note: `${command}: backend ${choice}` };
  }
  const failures: string[] = [];
  for (const backend of AUTO_ORDER) {
    const failure = await start(backend);
    if (failure === null) {
      const why = failures.length === 0 ? 'the fastest that started here' : `after ${failures.join('; ')}`;
      return { backend, note: `${command}: backend ${backend} (auto: ${why})` };
    }
    failures.push(`${backend} failed to start: ${failure}`);
  }
  throw new CliError(
    `${command}: no tfjs backend started (${failures.join('; ')}); run \`nezha-studio doctor\``,
  );
}

/**
 * The engines `eval` and `infer` run a model on: a tfjs backend, or onnxruntime-node over the checkpoint's
 * exported ONNX graph (electron/onnx). `train` stays on tfjs (gradients).
 */
export type Engine = NodeBackend | 'onnx';
export type EngineChoice = Engine | 'auto';

/** --backend for eval / infer: auto, onnx, cpu or wasm. */
export function parseEngineChoice(value: unknown, command: string): EngineChoice {
  const choices: readonly string[] = ['auto', 'onnx', ...NODE_BACKENDS];
  if (typeof value === 'string' && choices.includes(value)) return value as EngineChoice;
  throw new CliError(`${command}: --backend must be one of ${choices.join(', ')}, got "${String(value)}"`);
}

/** Loads onnxruntime-node (its native binding); returns why it did not load, or null when it did. */
export async function probeOnnxRuntime(): Promise<string | null> {
  try {
    const ort = await import('onnxruntime-node');
    const backends = ort.listSupportedBackends().map((b) => b.name);
    return backends.includes('cpu') ? null : `no cpu execution provider (has ${backends.join(', ')})`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

export interface StartedEngine {
  engine: Engine;
  /** One line for stderr: which engine runs and, for auto, why that one. */
  note: string;
}

export interface EngineOptions {
  /** auto tries onnxruntime-node first (eval); otherwise auto is the tfjs choice (infer). */
  autoPrefersOnnx: boolean;
  probeOnnx?: () => Promise<string | null>;
  start?: (name: NodeBackend) => Promise<string | null>;
}

export async function startNodeEngine(
  choice: EngineChoice,
  command: string,
  options: EngineOptions,
): Promise<StartedEngine> {
  const probe = options.probeOnnx ?? probeOnnxRuntime;
  if (choice === 'onnx') {
    const failure = await probe();
    if (failure !== null) {
      throw new CliError(
        `${command}: onnxruntime-node failed to load: ${failure}; use --backend wasm (or cpu), or run \`nezha-studio doctor\``,
      );
    }
    return { engine: 'onnx', note: `${command}: backend onnx (onnxruntime-node)` };
  }
  if (choice !== 'auto' || !options.autoPrefersOnnx) {
    const started = await startNodeBackend(choice, command, options.start);
    return { engine: started.backend, note: started.note };
  }
  const failure = await probe();
  if (failure === null) {
    return { engine: 'onnx', note: `${command}: backend onnx (auto: onnxruntime-node loaded)` };
  }
  const started = await startNodeBackend('auto', command, options.start);
  return {
    engine: started.backend,
    note: `${command}: backend ${started.backend} (auto: onnxruntime-node failed to load: ${failure})`,
  };
}
