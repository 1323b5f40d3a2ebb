/**
 * The "encoder" section's rows from the Node children (one per preset) and the Chromium run; `uptime`
 * before and after, so the load the machine was under is part of the record.
 */
import { execFileSync } from 'node:child_process';
import {
  ENCODER_PRESETS,
  ENCODER_SHAPES,
  measureEncoderInChild,
  presetFolder,
  type EncoderChildResult,
  type EncoderPreset,
} from './encoder';
import { measureEncoderInChromium, type BrowserResult, type BrowserTiming } from './encoderBrowser';

interface Row {
  name: string;
  value: number;
  unit: string;
  reference?: string;
  ratio?: number;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return 'uptime unavailable';
  }
}

const shapeLabel = (s: { batch: number; sequence: number }) => `${s.batch}×${s.sequence}`;

function pairRow(what: string, ms: number, reference: string, referenceMs: number): Row {
  return {
    name: what,
    value: ms,
    unit: 'ms',
    reference: `${reference} (${referenceMs.toFixed(1)} ms)`,
    ratio: ms / referenceMs,
  };
}

export function nodeRows(r: EncoderChildResult): Row[] {
  const label = `${r.preset} (${(r.parameters / 1e6).toFixed(1)}M)`;
  const rows: Row[] = [{ name: `${label}: ONNX export (shared/onnx)`, value: r.exportMs, unit: 'ms' }];
  for (const s of r.shapes) {
    rows.push(
      pairRow(
        `${label} ${shapeLabel(s)}: tfjs-wasm, Node (${r.wasmThreads} thread${r.wasmThreads === 1 ? '' : 's'}; ${s.tfjsWasm.runs} runs)`,
        s.tfjsWasm.ms,
        `onnxruntime-node, ${r.ortThreads} threads`,
        s.ortNode.ms,
      ),
      {
        name: `${label} ${shapeLabel(s)}: onnxruntime-node (${s.ortNode.runs} runs)`,
        value: s.ortNode.ms,
        unit: 'ms',
      },
      {
        name: `${label} ${shapeLabel(s)}: max |tfjs − ORT| of last_hidden_state`,
        value: s.maxAbsDiff,
        unit: '',
      },
    );
  }
  const forward = r.shapes.find((s) => s.batch === 8)?.tfjsWasm.ms ?? r.profileTotalMs;
  for (const p of r.profile.slice(0, 8)) {
    const kernel =
      p.kernel === 'unnamed scope' ? 'customGrad scopes (bucket gathers, embeddings; nested)' : p.kernel;
    rows.push({
      name: `${label} 8×128 tf.profile: ${kernel} (${p.calls} calls)`,
      value: p.ms,
      unit: 'ms',
      reference: `the tfjs-wasm forward (${forward.toFixed(0)} ms)`,
      ratio: p.ms / forward,
    });
  }
  return rows;
}

const runsLabel = (runs: number) => (runs === 0 ? 'warm-up only: slow' : `${runs} runs`);

function isTiming(value: BrowserTiming | { error: string }): value is BrowserTiming {
  return 'ms' in value;
}

export function browserRows(result: BrowserResult, parameters: Map<string, number>): Row[] {
  const rows: Row[] = [];
  for (const preset of result.presets) {
    const label = `${preset.preset} (${((parameters.get(preset.preset) ?? 0) / 1e6).toFixed(1)}M)`;
    for (const s of preset.shapes) {
      for (const [kind, tfjs, ort] of [
        ['WASM', s.tfjsWasm, s.ortWasm],
        ['WebGPU', s.tfjsWebgpu, s.ortWebgpu],
      ] as const) {
        const where = `${label} ${shapeLabel(s)}, Chromium`;
        if (isTiming(tfjs) && isTiming(ort))
          rows.push(
            pairRow(`${where}: ${tfjs.backend} (${runsLabel(tfjs.runs)})`, tfjs.ms, ort.backend, ort.ms),
          );
        else if (isTiming(tfjs))
          rows.push({
            name: `${where}: ${tfjs.backend} (${runsLabel(tfjs.runs)})`,
            value: tfjs.ms,
            unit: 'ms',
            reference: `onnxruntime-web ${kind} failed: ${(ort as { error: string }).error}`,
          });
        else
          rows.push({ name: `${where}: tfjs ${kind} failed: ${tfjs.error}`, value: Number.NaN, unit: 'ms' });
        if (isTiming(ort))
          rows.push({ name: `${where}: ${ort.backend} (${runsLabel(ort.runs)})`, value: ort.ms, unit: 'ms' });
        else if (!isTiming(tfjs))
          rows.push({
            name: `${where}: onnxruntime-web ${kind} failed: ${ort.error}`,
            value: Number.NaN,
            unit: 'ms',
          });
      }
    }
  }
  return rows;
}

export const encoderBenchSection = {
  name: 'encoder',
  summary:
    'NEZHA encoder, small (hidden 256, 4 layers) and base size, batch 8×128 and 1×48: tfjs-wasm in Node vs onnxruntime-node; tfjs WASM / WebGPU in the renderer worker in Chromium vs onnxruntime-web WASM (2 threads) / WebGPU; same weights and inputs; tf.profile per op',
  async run(): Promise<Row[]> {
    const before = uptime();
    const rows: Row[] = [];
    const parameters = new Map<string, number>();
    const presets = Object.keys(ENCODER_PRESETS) as EncoderPreset[];
    for (const preset of presets) {
      console.error(`encoder: ${preset} in Node (tfjs-wasm, onnxruntime-node) ...`);
      const result = measureEncoderInChild(preset);
      parameters.set(preset, result.parameters);
      rows.push(...nodeRows(result));
    }
    try {
      console.error('encoder: Chromium (tfjs worker WASM / WebGPU, onnxruntime-web WASM / WebGPU) ...');
      const inputs = await Promise.all(
        presets.map(async (preset) => ({ preset, ...(await presetFolder(preset)) })),
      );
      const browser = await measureEncoderInChromium(inputs, ENCODER_SHAPES);
      rows.push(...browserRows(browser, parameters));
    } catch (error) {
      rows.push({
        name: `Chromium part not run: ${(error as Error).message.split('\n')[0].slice(0, 200)}`,
        value: Number.NaN,
        unit: '',
      });
    }
    rows.unshift({ name: `uptime before: ${before}`, value: Number.NaN, unit: '' });
    rows.push({ name: `uptime after: ${uptime()}`, value: Number.NaN, unit: '' });
    return rows;
  },
};
