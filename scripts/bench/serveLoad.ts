/**
 * Bench section "serve load": many clients on loopback against one serve host, as a team of browser tabs
 * (or one busy tab) would hit it. The host runs in a child process over a data dir holding a
 * 200,000-sentence corpus; this process plays `clients` concurrent clients, each calling the list and query
 * channels the Annotate and Datasets views call (`examples.list` pages in file and queue order, a text
 * search, `datasets.stats`, `datasets.list`) with a 100–300 ms pause between calls, for `seconds`. Reported: p50 / p95 / max latency
 * per channel and overall, requests per second, and the host's RSS before and after. Reference: the same
 * host answering `app.info` to one client alone (the transport's own cost).
 *
 * Bounded: loopback only, a fixed duration, one host. Run as a script (`--child DATA_DIR`) it is the host.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startServeHost } from '../../electron/serve/host';
import { createServices } from '../../electron/services/services';
import { syntheticCorpus } from './datasetImport';

export interface LoadOptions {
  sentences: number;
  clients: number;
  seconds: number;
  /** Pause between one client's calls, ms (uniform in [min, max]): a person paging, not a flood. */
  thinkMs: [number, number];
}

export const defaultLoadOptions: LoadOptions = {
  sentences: 200_000,
  clients: 50,
  seconds: 20,
  thinkMs: [100, 300],
};

interface HostHandle {
  origin: string;
  token: string;
  datasetId: string;
  pid: number;
  stop(): Promise<void>;
}

/** Latency summary of one set of calls (ms). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN; // not Linux: the row says NaN
  }
}

async function startHostChild(dir: string, sentences: number): Promise<HostHandle> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--child', dir, String(sentences)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`serve load host exited (${code}) before it was ready`)));
  });
  const ready = JSON.parse(first) as { origin: string; token: string; datasetId: string };
  return {
    ...ready,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.stdin.end(); // the child closes its host when its stdin ends
      }),
  };
}

type Call = { channel: string; payload: (random: () => number) => unknown };

function callsFor(datasetId: string, sentences: number): Call[] {
  const pages = Math.floor(sentences / 50);
  return [
    {
      channel: 'examples.list',
      payload: (r) => ({ datasetId, offset: Math.floor(r() * pages) * 50, limit: 50 }),
    },
    {
      channel: 'examples.list (queue)',
      payload: (r) => ({ datasetId, offset: Math.floor(r() * 20) * 50, limit: 50, order: 'uncertainty' }),
    },
    {
      channel: 'examples.list (search)',
      payload: (r) => ({ datasetId, offset: 0, limit: 50, filter: { text: `工作${Math.floor(r() * 1000)}` } }),
    },
    { channel: 'datasets.stats', payload: () => ({ id: datasetId }) },
    { channel: 'datasets.list', payload: () => undefined },
  ];
}

async function call(host: HostHandle, channel: string, payload: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${host.origin}/api/${encodeURIComponent(channel)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: payload === undefined ? '' : JSON.stringify(payload),
  });
  const body = (await response.json()) as { ok: boolean; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? response.status}`);
  return performance.now() - started;
}

/** A small deterministic generator, so two runs ask the same pages. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface LoadResult {
  options: LoadOptions;
  reference: LatencySummary;
  perChannel: Record<string, LatencySummary>;
  overall: LatencySummary;
  requestsPerSecond: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  errors: string[];
}

export async function runServeLoad(options: LoadOptions = defaultLoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nezha-bench-load-'));
  const host = await startHostChild(dir, options.sentences);
  try {
    // Reference: one client alone on the cheapest channel.
    const alone: number[] = [];
    for (let i = 0; i < 200; i++) alone.push(await call(host, 'app.info', undefined));
    const calls = callsFor(host.datasetId, options.sentences);
    // Warm-up: every call once (statement caches, JIT).
    for (const c of calls) await call(host, c.channel.split(' ')[0], c.payload(seeded(1)));
    const rssBeforeMb = rssMb(host.pid);
    const latencies = new Map<string, number[]>(calls.map((c) => [c.channel, []]));
    const errors: string[] = [];
    const deadline = performance.now() + options.seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.clients }, async (_, client) => {
        const random = seeded(client + 1);
        while (performance.now() < deadline) {
          const c = calls[Math.floor(random() * calls.length)];
          try {
            latencies.get(c.channel)!.push(await call(host, c.channel.split(' ')[0], c.payload(random)));
          } catch (error) {
            if (errors.length < 5) errors.push((error as Error).message);
          }
          const [low, high] = options.thinkMs;
          await new Promise((done) => setTimeout(done, low + random() * (high - low)));
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const all = [...latencies.values()].flat();
    return {
      options,
      reference: summarize(alone),
      perChannel: Object.fromEntries([...latencies].map(([k, v]) => [k, summarize(v)])),
      overall: summarize(all),
      requestsPerSecond: all.length / elapsed,
      rssBeforeMb,
      rssAfterMb: rssMb(host.pid),
      errors,
    };
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const serveLoadBenchSection = {
  name: 'serve load',
  summary: `${defaultLoadOptions.clients} clients on loopback for ${defaultLoadOptions.seconds} s against one serve host holding a ${defaultLoadOptions.sentences.toLocaleString('en')}-sentence corpus (list/query channels: latency, throughput, host memory)`,
  async run() {
    const r = await runServeLoad();
    if (r.errors.length) throw new Error(`calls failed under load: ${r.errors.join('; ')}`);
    const reference = `app.info, one client alone (p50 ${r.reference.p50.toFixed(2)} ms)`;
    const rows = Object.entries(r.perChannel).flatMap(([channel, s]) => [
      { name: `${channel}: p50 (${s.count} calls)`, value: s.p50, unit: 'ms', reference, ratio: s.p50 / r.reference.p50 },
      { name: `${channel}: p95`, value: s.p95, unit: 'ms' },
      { name: `${channel}: max`, value: s.max, unit: 'ms' },
    ]);
    return [
      ...rows,
      { name: 'all calls: p50', value: r.overall.p50, unit: 'ms', reference, ratio: r.overall.p50 / r.reference.p50 },
      { name: 'all calls: p95', value: r.overall.p95, unit: 'ms' },
      { name: 'all calls: max', value: r.overall.max, unit: 'ms' },
      { name: `requests per second (${r.options.clients} clients)`, value: r.requestsPerSecond, unit: '/s' },
      {
        name: 'host RSS after the load',
        value: r.rssAfterMb,
        unit: 'MB',
        reference: `before the load (${r.rssBeforeMb.toFixed(0)} MB)`,
        ratio: r.rssAfterMb / r.rssBeforeMb,
      },
    ];
  },
};

/** The child: import the corpus, start the host, print where it is, close when stdin ends. */
async function child(dir: string, sentences: number): Promise<void> {
  const dataDir = join(dir, 'data');
  const file = join(dir, 'corpus.txt');
  writeFileSync(file, syntheticCorpus(sentences));
  const services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
  const { dataset } = await services.datasetStore.import({ path: file });
  const datasetId = dataset.id;
  services.close();
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Nezha Studio</title>');
  const host = await startServeHost({ dataDir, rendererDir, resourcesDir: resolve('resources') });
  process.stdout.write(`${JSON.stringify({ origin: host.origin, token: host.token, datasetId })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void host.close().then(() => process.exit(0)));
}

if (process.argv[2] === '--child') void child(process.argv[3], Number(process.argv[4]));
