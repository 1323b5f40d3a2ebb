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
