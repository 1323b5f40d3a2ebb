/**
 * `doctor`: what this machine offers the app — Node version, which tfjs backends initialise in Node,
 * WebGPU, the Electron binary (`npm start` needs it), the fonts Chinese text will use, the data dir and its
 * database schema version.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import * as tf from '@tensorflow/tfjs-core';
import { databaseFileName } from '../../services/database';
import { latestSchemaVersion } from '../../services/migrations';
import { appName, packageVersion } from '../../services/services';
import { cjkFontReport, type CjkFontReport } from '../cjkFonts';
import { parseCommandArgs, type Command } from '../command';
import { findElectronBinary, type ElectronBinary } from '../electronBinary';
import { NODE_BACKENDS, probeOnnxRuntime, startTfjsBackend, type NodeBackend } from '../nodeBackend';

export interface BackendReport {
  name: string;
  available: boolean;
  detail: string;
}

export interface DoctorReport {
  app: { name: string; version: string };
  node: { version: string; platform: string; arch: string; sqlite: string };
  backends: BackendReport[];
  /** onnxruntime-node, eval's default engine (the checkpoint's ONNX export). */
  onnxRuntime: { available: boolean; detail: string };
  webgpu: { available: boolean; detail: string };
  electron: ElectronBinary;
  cjkFonts: CjkFontReport;
  dataDir: { path: string; exists: boolean };
  database: { path: string; exists: boolean; schemaVersion: number | null; latestSchemaVersion: number };
}

async function probeBackend(name: NodeBackend): Promise<BackendReport> {
  const started = performance.now();
  const failure = await startTfjsBackend(name);
  if (failure !== null) return { name, available: false, detail: failure };
  try {
    // A real computation, not just registration: 1+2 must be 3.
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
    if (sum !== 3) return { name, available: false, detail: `1 + 2 gave ${sum}` };
  } catch (error) {
    return { name, available: false, detail: (error as Error).message.split('\n')[0] };
  }
  const ms = Math.round(performance.now() - started);
  return { name, available: true, detail: `initialised in ${ms} ms` };
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

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function runDoctor(dataDir: string): Promise<DoctorReport> {
  const backends: BackendReport[] = [];
  for (const name of NODE_BACKENDS) backends.push(await probeBackend(name));
  const ortFailure = await probeOnnxRuntime();
  const onnxRuntime =
    ortFailure === null
      ? {
          available: true,
          detail: `onnxruntime-node ${(await import('onnxruntime-node')).env.versions.node ?? ''} (cpu, ${availableParallelism()} threads): eval's default backend`,
        }
      : { available: false, detail: `${ortFailure}; eval falls back to tfjs wasm` };
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
    onnxRuntime,
    webgpu: {
      available: hasNavigatorGpu,
      detail: hasNavigatorGpu
        ? 'navigator.gpu exists in this runtime'
        : "not available in Node; the app's renderer uses WebGPU when a hardware adapter exists",
    },
    electron: findElectronBinary(),
    cjkFonts: cjkFontReport(repoRoot),
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
    `ONNX Runtime  ${report.onnxRuntime.available ? '' : 'FAIL '}${report.onnxRuntime.detail}`,
    `WebGPU        ${report.webgpu.detail}`,
    `Electron      ${
      report.electron.found
        ? `${report.electron.version} at ${report.electron.path}`
        : `missing${report.electron.version ? ` (package ${report.electron.version})` : ''}: ${report.electron.reason}; \`npm run serve\` runs the app in a browser`
    }`,
    `CJK fonts     ${report.cjkFonts.verdict}`,
    `              system: ${report.cjkFonts.system === null ? report.cjkFonts.systemSource : report.cjkFonts.system.length > 0 ? report.cjkFonts.system.join(', ') : `none (${report.cjkFonts.systemSource})`}`,
    `              shipped: ${report.cjkFonts.shipped.length > 0 ? report.cjkFonts.shipped.join(', ') : 'none (no font files in resources/, no @font-face in the renderer)'}`,
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
  summary: 'check Node, tfjs backends, WebGPU, the Electron binary, CJK fonts and the data dir',
  usage: 'doctor [--json]\n\nPrints what this machine offers the app. --json prints one JSON object.',
  async run(args, context) {
    const { values } = parseCommandArgs(this, args, { json: { type: 'boolean' } });
    const report = await runDoctor(context.dataDir);
    context.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  },
};
