/**
 * `doctor`: what this machine offers the app — Node version, which tfjs backends initialise in Node,
 * WebGPU, the data dir and its database schema version.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { databaseFileName } from '../../services/database';
import { latestSchemaVersion } from '../../services/migrations';
import { appName, packageVersion } from '../../services/services';
import { parseCommandArgs, type Command } from '../command';

export interface BackendReport {
  name: string;
  available: boolean;
  detail: string;
}

export interface DoctorReport {
  app: { name: string; version: string };
  node: { version: string; platform: string; arch: string; sqlite: string };
  backends: BackendReport[];
  webgpu: { available: boolean; detail: string };
  dataDir: { path: string; exists: boolean };
  database: { path: string; exists: boolean; schemaVersion: number | null; latestSchemaVersion: number };
}

async function probeBackend(name: 'cpu' | 'wasm'): Promise<BackendReport> {
  const started = performance.now();
  try {
    const tf = await import('@tensorflow/tfjs-core');
    // PROD silences tfjs's "install tfjs-node" banner, which would otherwise clutter the report.
    tf.env().set('PROD', true);
    if (name === 'cpu') {
      await import('@tensorflow/tfjs-backend-cpu');
    } else {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the backend reads its .wasm files from disk: point it at the package's dist folder.
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(dist.endsWith('/') ? dist : `${dist}/`);
    }
    const ok = await tf.setBackend(name);
    if (!ok) return { name, available: false, detail: `tf.setBackend('${name}') returned false` };
    await tf.ready();
    // A real computation, not just registration: 1+2 must be 3.
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
    if (sum !== 3) return { name, available: false, detail: `1 + 2 gave ${sum}` };
    const ms = Math.round(performance.now() - started);
    return { name, available: true, detail: `initialised in ${ms} ms` };
  } catch (error) {
    return { name, available: false, detail: (error as Error).message.split('\n')[0] };
  }
}

function databaseReport(dataDir: string): DoctorReport['database'] {
  const path = join(dataDir, databaseFileName);
  if (!existsSync(path)) return { path, exists: false, schemaVersion: null, latestSchemaVersion };
  // Read-only: doctor looks, it never migrates.
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
    return { path, exists: true, schemaVersion: row.user_version, latestSchemaVersion };
  } finally {
    db.close();
  }
}

export async function runDoctor(dataDir: string): Promise<DoctorReport> {
  const backends = [await probeBackend('cpu'), await probeBackend('wasm')];
  const hasNavigatorGpu =
    typeof (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu !== 'undefined';
  return {
    app: { name: appName, version: packageVersion() },
    node: {
      version: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      sqlite: process.versions.sqlite ?? 'unknown',
    },
    backends,
    webgpu: {
      available: hasNavigatorGpu,
      detail: hasNavigatorGpu
        ? 'navigator.gpu exists in this runtime'
        : "not available in Node; the app's renderer uses WebGPU when a hardware adapter exists",
    },
    dataDir: { path: dataDir, exists: existsSync(dataDir) },
    database: databaseReport(dataDir),
  };
}

function formatReport(report: DoctorReport): string {
  const lines = [
    `${report.app.name} ${report.app.version}`,
    `Node          ${report.node.version} (${report.node.platform}/${report.node.arch}, SQLite ${report.node.sqlite})`,
    'tfjs backends (in Node):',
    ...report.backends.map((b) => `  ${b.available ? 'ok  ' : 'FAIL'} ${b.name.padEnd(5)} ${b.detail}`),
    `WebGPU        ${report.webgpu.detail}`,
    `Data dir      ${report.dataDir.path}${report.dataDir.exists ? '' : ' (not created yet)'}`,
    `Database      ${
      report.database.exists
        ? `schema version ${report.database.schemaVersion} (this app: ${report.database.latestSchemaVersion})`
        : `not created yet (created at schema version ${report.database.latestSchemaVersion} on first start)`
    }`,
  ];
  return lines.join('\n');
}

export const command: Command = {
  name: 'doctor',
  summary: 'check Node, tfjs backends, WebGPU and the data dir',
  usage: 'doctor [--json]\n\nPrints what this machine offers the app. --json prints one JSON object.',
  async run(args, context) {
    const { values } = parseCommandArgs(this, args, { json: { type: 'boolean' } });
    const report = await runDoctor(context.dataDir);
    context.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  },
};
