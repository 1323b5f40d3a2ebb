/**
 * Benchmarks: `npm run bench [-- <section> ...] [--checkpoint <folder>]`.
 *
 * A section is { name, summary, run(options) → rows }; each row is a measurement with its unit
 * and, where there is one, a reference measured in the same run on the same machine and the
 * ratio value / reference (so numbers from different machines can be compared by ratio).
 * To add a section: write it (scripts/bench/<name>.ts or inline) and add it to `sections` below.
 * The table starts with the machine (CPU model, cores, Node version) the numbers came from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fsCheckpointSource } from '../electron/services/fsCheckpointSource';
import { decodeTensorData } from '../shared/checkpoint/dtypes';
import { inspectCheckpointFolder, loadCheckpointFolder } from '../shared/checkpoint/folder';
import { median, readWholeFile, runChildScriptOutput } from './bench/child';
import { serveLoadBenchSection } from './bench/serveLoad';
import { datasetImportBenchSection } from './bench/datasetImport';
import { encoderBenchSection } from './bench/encoderSection';
import { runModelLoadBench } from './bench/modelLoad';
import { tokenizerBenchSection } from './bench/tokenizer';
import { trainingStepBenchSection, type TrainingStepBenchResult } from './bench/training';
import type { CheckpointSource } from '../shared/checkpoint/source';
import { makeBaseCheckpoint } from './make-base-checkpoint';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, e.g. "fs.readFile of the same file (412 ms)". */
  reference?: string;
  /** value / reference value (lower is better for times), when there is a reference. */
  ratio?: number;
}

export interface BenchOptions {
  /** --checkpoint <folder>: an existing checkpoint folder for the "checkpoint load" and "model load (wasm)" sections. */
  checkpoint?: string;
}

export interface BenchSection {
  name: string;
  summary: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}

// ---------------------------------------------------------------------------------------------
// Section "checkpoint load"

/** Result the measuring child process prints as JSON (a fresh process so peak RSS is the load's own). */
interface LoadMeasurement {
  loadMs: number;
  weightBytes: number;
  tensors: number;
  /** Peak resident set size of the process, MB (process.resourceUsage().maxRSS). */
  peakRssMb: number;
  /** RSS of the same fresh process before loading, MB. */
  baselineRssMb: number;
}

type WeightFormat = 'safetensors' | 'bin';
const WEIGHT_FILES: Record<WeightFormat, string> = {
  safetensors: 'model.safetensors',
  bin: 'pytorch_model.bin',
};

/** The folder as a source that shows only one weight format (both may sit side by side). */
function sourceFor(folder: string, format: WeightFormat): CheckpointSource {
  const source = fsCheckpointSource(folder);
  const hidden = WEIGHT_FILES[format === 'bin' ? 'safetensors' : 'bin'];
  return { ...source, listFiles: async () => (await source.listFiles()).filter((f) => f !== hidden) };
}

async function measureLoadInThisProcess(folder: string, format: WeightFormat): Promise<LoadMeasurement> {
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const loaded = await loadCheckpointFolder(sourceFor(folder, format));
  const loadMs = performance.now() - t0;
  let weightBytes = 0;
  for (const record of loaded.stateDict.values()) weightBytes += record.data.byteLength;
  return {
    loadMs,
    weightBytes,
    tensors: loaded.stateDict.size,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb,
  };
}

function measureLoadInChild(folder: string, format: WeightFormat): LoadMeasurement {
  return JSON.parse(runChild(['--child-checkpoint-load', folder, format])) as LoadMeasurement;
}

function runChild(args: string[]): string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0)
    throw new Error(`bench child ${args.join(' ')} failed (${child.status}): ${child.stderr}`);
  return child.stdout.trim().split('\n').at(-1) as string;
}

function measureReadInChild(file: string): number {
  return Number(runChild(['--child-read-file', file]));
}

function decodeThroughputRows(): BenchRow[] {
  const numel = 32 * 2 ** 20; // 32 M elements: 64 MB of halves, 128 MB of float32
  const halves = new Uint16Array(numel);
  for (let i = 0; i < numel; i++) halves[i] = (i * 2654435761) & 0x7bff;
  const halfBytes = new Uint8Array(halves.buffer);
  const floats = new Float32Array(numel).fill(1.5);
  const floatBytes = new Uint8Array(floats.buffer);
  const time = (fn: () => void): number => {
    fn();
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      fn();
      runs.push(performance.now() - t0);
    }
    return median(runs);
  };
  const copyMs = time(() => void floatBytes.slice());
  const f32Ms = time(() => void decodeTensorData('F32', floatBytes, numel, 'bench', 'x'));
  const f16Ms = time(() => void decodeTensorData('F16', halfBytes, numel, 'bench', 'x'));
  const bf16Ms = time(() => void decodeTensorData('BF16', halfBytes, numel, 'bench', 'x'));
  const reference = `memcpy of the 128 MB float32 output (${copyMs.toFixed(1)} ms)`;
  const rate = (ms: number): number => numel / 1e6 / (ms / 1000);
  return [
    {
      name: 'F32 decode (aligned view), 32 M elements',
      value: f32Ms,
      unit: 'ms',
      reference,
      ratio: f32Ms / copyMs,
    },
    { name: 'F16 → F32 decode, 32 M elements', value: f16Ms, unit: 'ms', reference, ratio: f16Ms / copyMs },
    { name: 'F16 → F32 decode rate', value: rate(f16Ms), unit: 'M elem/s' },
    {
      name: 'BF16 → F32 decode, 32 M elements',
      value: bf16Ms,
      unit: 'ms',
      reference,
      ratio: bf16Ms / copyMs,
    },
  ];
}

const GENERATED_MARKER = '.generated';

/** --checkpoint, or a NEZHA-base-sized folder (safetensors and .bin) generated once into tmpdir and reused. */
async function benchCheckpointFolder(options: BenchOptions): Promise<string> {
  if (options.checkpoint) return options.checkpoint;
  // The marker is written last, so an interrupted run regenerates.
  const folder = join(tmpdir(), 'nezha-studio-bench-base');
  if (!existsSync(join(folder, GENERATED_MARKER))) {
    console.error(`generating a NEZHA-base-sized checkpoint (safetensors and .bin) in ${folder} ...`);
    await makeBaseCheckpoint(folder, { formats: ['safetensors', 'bin'] });
    writeFileSync(join(folder, GENERATED_MARKER), new Date().toISOString());
  }
  return folder;
}

const checkpointLoadSection: BenchSection = {
  name: 'checkpoint load',
  summary:
    'loadCheckpointFolder of a NEZHA-base-sized checkpoint (~410 MB, model.safetensors and pytorch_model.bin) from disk, each in a fresh process, vs a plain fs read of the same file; F16/BF16 decode',
  async run(options) {
    const folder = await benchCheckpointFolder(options);
    const rows: BenchRow[] = [];
    for (const format of ['safetensors', 'bin'] as const) {
      const weightsFile = join(folder, WEIGHT_FILES[format]);
      if (!existsSync(weightsFile)) continue;
      const fileMb = statSync(weightsFile).size / 2 ** 20;
      // Reference: the same bytes read into one buffer with plain fs reads (the I/O floor), in a
      // fresh process like the load, page cache warm for both.
      const readMs = median([0, 1, 2].map(() => measureReadInChild(weightsFile)));
      const load = [0, 1, 2]
        .map(() => measureLoadInChild(folder as string, format))
        .sort((a, b) => a.loadMs - b.loadMs)[1];
      const t0 = performance.now();
      const inspected = await inspectCheckpointFolder(sourceFor(folder, format));
      const inspectMs = performance.now() - t0;
      const label = WEIGHT_FILES[format];
      rows.push(
        {
          name: `load ${label}: ${load.tensors} tensors, ${fileMb.toFixed(0)} MB`,
          value: load.loadMs,
          unit: 'ms',
          reference: `plain fs read of the file into one buffer (${readMs.toFixed(0)} ms)`,
          ratio: load.loadMs / readMs,
        },
        { name: `load ${label}: throughput`, value: fileMb / (load.loadMs / 1000), unit: 'MB/s' },
        {
          name: `load ${label}: peak RSS of the process`,
          value: load.peakRssMb,
          unit: 'MB',
          reference: `file size (${fileMb.toFixed(0)} MB)`,
          ratio: load.peakRssMb / fileMb,
        },
        {
          name: `load ${label}: peak RSS above the fresh process`,
          value: load.peakRssMb - load.baselineRssMb,
          unit: 'MB',
          reference: `file size (${fileMb.toFixed(0)} MB)`,
          ratio: (load.peakRssMb - load.baselineRssMb) / fileMb,
        },
        {
          name: `inspect ${label} (headers / pickle only, ${inspected.tensors.length} tensors)`,
          value: inspectMs,
          unit: 'ms',
        },
      );
    }
    return [...rows, ...decodeThroughputRows()];
  },
};

// ---------------------------------------------------------------------------------------------
// Registry

const tokenizerSection: BenchSection = {
  name: tokenizerBenchSection.name,
  summary: tokenizerBenchSection.summary,
  async run() {
    const { result: r } = await tokenizerBenchSection.run();
    return [
      {
        name: `encode with offsets (${r.sentences} sentences)`,
        value: r.encodeMs,
        unit: 'ms',
        reference: `normalize('NFC') (${r.reference.normalizeNfcMs.toFixed(1)} ms)`,
        ratio: r.ratio.toNormalize,
      },
      { name: 'encode throughput', value: r.charactersPerSecond / 1e6, unit: 'M chars/s' },
      {
        name: 'tokenizeWithOffsets',
        value: r.tokenizeMs,
        unit: 'ms',
        reference: `code-point loop (${r.reference.codePointLoopMs.toFixed(2)} ms)`,
        ratio: r.tokenizeMs / r.reference.codePointLoopMs,
      },
    ];
  },
};

const trainingStepSection: BenchSection = {
  name: trainingStepBenchSection.name,
  summary: trainingStepBenchSection.summary,
  async run() {
    // In a fresh process: the step needs most of the 4 GiB WASM heap, and an abort there must not
    // take the other sections' results down with it.
    const r = JSON.parse(
      runChildScriptOutput(fileURLToPath(new URL('./bench/training.ts', import.meta.url)), []),
    ) as TrainingStepBenchResult;
    const shape = `batch ${r.batch} × seq ${r.sequence}, ${r.layers} layers, ${(r.parameters / 1e6).toFixed(1)}M parameters`;
    const reference = `one forward pass (${(r.forwardMs / 1000).toFixed(2)} s)`;
    return [
      {
        name: `training step, WASM (${shape})`,
        value: r.stepMs / 1000,
        unit: 's',
        reference,
        ratio: r.ratio,
      },
      {
        name: 'forward + backward',
        value: r.forwardBackwardMs / 1000,
        unit: 's',
        reference,
        ratio: r.forwardBackwardMs / r.forwardMs,
      },
      {
        name: 'clip + AdamW update',
        value: r.optimizerMs / 1000,
        unit: 's',
        reference,
        ratio: r.optimizerMs / r.forwardMs,
      },
      {
        name: 'WASM heap at the end (its high-water mark; the wasm32 limit is 4 GiB)',
        value: r.wasmHeapMb,
        unit: 'MB',
      },
    ];
  },
};

const modelLoadSection: BenchSection = {
  name: 'model load (wasm)',
  summary:
    'NEZHA-base-sized model.safetensors streamed into NezhaModel on the tfjs WASM backend in a fresh process (time, peak RSS vs a plain fs read and the file size), forward 1 × 128 and 8 × 128, tensors after dispose()',
  async run(options) {
    return runModelLoadBench(await benchCheckpointFolder(options));
  },
};

/** Every section, in the order they run. Add new ones here. */
export const sections: BenchSection[] = [
  checkpointLoadSection,
  modelLoadSection,
  tokenizerSection,
  trainingStepSection,
  datasetImportBenchSection,
  encoderBenchSection,
  serveLoadBenchSection,
];

function machineLine(): string {
  const cpu = cpus();
  return `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 10
      ? value.toFixed(1)
      : value.toFixed(2);
}

export function formatTable(results: { section: string; rows: BenchRow[] }[]): string {
  const header = ['section', 'measurement', 'value', 'unit', 'ratio', 'reference'];
  const lines: string[][] = [header];
  for (const { section, rows } of results) {
    for (const row of rows) {
      lines.push([
        section,
        row.name,
        formatValue(row.value),
        row.unit,
        row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
        row.reference ?? '',
      ]);
    }
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const render = (l: string[]): string =>
    l
      .map((cell, c) => (c === 2 || c === 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [render(lines[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.slice(1).map(render)].join(
    '\n',
  );
}

async function main(argv: string[]): Promise<void> {
  const readIndex = argv.indexOf('--child-read-file');
  if (readIndex >= 0) {
    console.log(String(await readWholeFile(argv[readIndex + 1])));
    return;
  }
  const childIndex = argv.indexOf('--child-checkpoint-load');
  if (childIndex >= 0) {
    const format = argv[childIndex + 2] === 'bin' ? 'bin' : 'safetensors';
    console.log(JSON.stringify(await measureLoadInThisProcess(argv[childIndex + 1], format)));
    return;
  }
  const options: BenchOptions = {};
  const wanted: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--checkpoint') options.checkpoint = argv[++i];
    else wanted.push(argv[i]);
  }
  const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
  if (unknown.length) {
    console.error(
      `unknown section(s): ${unknown.join(', ')}; sections: ${sections.map((s) => `"${s.name}"`).join(', ')}`,
    );
    process.exit(2);
  }
  console.log(machineLine());
  const results: { section: string; rows: BenchRow[] }[] = [];
  for (const section of sections.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    console.error(`running "${section.name}": ${section.summary}`);
    const started = performance.now();
    try {
      results.push({ section: section.name, rows: await section.run(options) });
    } catch (error) {
      // One failed section (e.g. the WASM heap running out) should not lose the others.
      console.error(
        `section "${section.name}" failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
      continue;
    }
    // Each section's rows as soon as it ends (stderr), so a long later section loses nothing.
    console.error(
      `${formatTable(results.slice(-1))}\n("${section.name}" took ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  console.log(formatTable(results));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
