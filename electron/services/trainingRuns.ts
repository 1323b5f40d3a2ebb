/**
 * Training runs started in the Train view, kept on disk so a run survives a restart:
 * `<dataDir>/training-runs/<runId>/run.json` (settings, status, loss and dev-metric history),
 * `training_state.safetensors` (the trainer's last state snapshot, to resume from) and `output/`
 * (the finished HF folder's files, written by the worker). Publishing moves `output/` into
 * `<dataDir>/checkpoints/trained/` in one rename and registers it with the checkpoint library.
 *
 * Bytes arrive over the JSON-only contract as base64 chunks appended in order to a `.partial`
 * file; the last chunk renames it into place, so a reader never sees a half-written file.
 * Plain files, not SQLite: state snapshots are large blobs and nothing queries inside a run.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { writeFileAtomically } from './atomicWrite';
import { join } from 'node:path';
import type { CheckpointRecord, TrainingRunInput, TrainingRunRecord } from '../../shared/ipc';
import { ServiceError } from './errors';

export const TRAINING_STATE_FILE = 'training_state.safetensors';
/** Largest file one run may upload (a NEZHA-large state with AdamW moments and a best copy fits). */
export const MAX_TRAINING_FILE_BYTES = 8 * 1024 ** 3;
/** Largest chunk readState returns (base64 keeps it under the serve host's 1 MiB body limit both ways). */
export const MAX_READ_CHUNK_BYTES = 512 * 1024;

const runIdPattern = /^[A-Za-z0-9_-]{1,100}$/;
const outputFilePattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export interface CheckpointImporter {
  import(path: string, name?: string): Promise<CheckpointRecord>;
}

export class TrainingRunStore {
  private readonly root: string;

  constructor(private readonly dataDir: string) {
    this.root = join(dataDir, 'training-runs');
  }

  private dir(runId: string): string {
    if (!runIdPattern.test(runId))
      throw new ServiceError(
        'bad-request',
        `Training run id "${runId}" may hold only letters, digits, "-" and "_" (1 to 100 characters).`,
      );
    return join(this.root, runId);
  }

  private async readRun(runId: string): Promise<TrainingRunRecord | null> {
    const file = join(this.dir(runId), 'run.json');
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      return JSON.parse(text) as TrainingRunRecord;
    } catch (error) {
      throw new ServiceError(
        'failed',
        `${file} is not valid JSON (${(error as Error).message}); remove the run or fix the file.`,
      );
    }
  }

  private async writeRun(record: TrainingRunRecord): Promise<void> {
    const dir = this.dir(record.id);
    await mkdir(dir, { recursive: true });
    await writeFileAtomically(join(dir, 'run.json'), `${JSON.stringify(record, null, 1)}\n`);
  }

  async get(runId: string): Promise<TrainingRunRecord> {
    const run = await this.readRun(runId);
    if (!run)
      throw new ServiceError('not-found', `No training run "${runId}"; list them with trainingRuns.list.`);
    return run;
  }

  /** Creates or updates a run (settings, status, histories). State bytes go through writeFile. */
  async save(input: TrainingRunInput): Promise<TrainingRunRecord> {
    const existing = await this.readRun(input.id);
    const now = new Date().toISOString();
    const record: TrainingRunRecord = {
      ...input,
      stateStep: existing?.stateStep ?? null,
      resultCheckpointId: existing?.resultCheckpointId ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await this.writeRun(record);
    return record;
  }

  async list(): Promise<TrainingRunRecord[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const runs: TrainingRunRecord[] = [];
    for (const name of names) {
      if (!runIdPattern.test(name)) continue;
      const run = await this.readRun(name).catch(() => null);
      if (run) runs.push(run);
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async remove(runId: string): Promise<{ removed: boolean }> {
    const dir = this.dir(runId);
    if (!existsSync(dir)) return { removed: false };
    await rm(dir, { recursive: true, force: true });
    return { removed: true };
  }

  private target(runId: string, kind: 'state' | 'output', file: string): string {
    const dir = this.dir(runId);
    if (kind === 'state') return join(dir, TRAINING_STATE_FILE);
    if (!outputFilePattern.test(file) || file.includes('..'))
      throw new ServiceError(
        'bad-request',
        `Output file name "${file}" is not a plain file name (letters, digits, ".", "-", "_"; no folders).`,
      );
    return join(dir, 'output', file);
  }

  /**
   * Appends one base64 chunk at `offset` (0 starts the file afresh; any other offset must equal the
   * bytes received so far). `last` moves the file into place; for the state it records `stateStep`.
   */
  async writeFile(request: {
    runId: string;
    kind: 'state' | 'output';
    file: string;
    offset: number;
    data: string;
    last: boolean;
    stateStep?: number;
  }): Promise<{ bytes: number }> {
    const run = await this.get(request.runId);
    const target = this.target(request.runId, request.kind, request.file);
    const partial = `${target}.partial`;
    await mkdir(join(target, '..'), { recursive: true });
    const chunk = Buffer.from(request.data, 'base64');
    const have = request.offset === 0 ? 0 : ((await stat(partial).catch(() => null))?.size ?? 0);
    if (request.offset !== have)
      throw new ServiceError(
        'bad-request',
        `${request.kind} file "${request.file}" of run ${request.runId}: chunk at byte ${request.offset}, but ${have} bytes were received so far; restart the upload at offset 0.`,
      );
    if (have + chunk.byteLength > MAX_TRAINING_FILE_BYTES)
      throw new ServiceError(
        'bad-request',
        `${request.kind} file "${request.file}" of run ${request.runId} would exceed ${MAX_TRAINING_FILE_BYTES} bytes.`,
      );
    const handle = await open(partial, request.offset === 0 ? 'w' : 'a');
    try {
      await handle.write(chunk);
      if (request.last) await handle.sync();
    } finally {
      await handle.close();
    }
    const bytes = have + chunk.byteLength;
    if (request.last) {
      await rename(partial, target);
      if (request.kind === 'state') await this.writeRun({ ...run, stateStep: request.stateStep ?? null });
    }
    return { bytes };
  }

  /** A slice of the saved state (base64), to resume a run after a restart. */
  async readState(runId: string, offset: number, length: number): Promise<{ data: string; total: number }> {
    const file = this.target(runId, 'state', '');
    const info = await stat(file).catch(() => null);
    if (!info)
      throw new ServiceError(
        'not-found',
        `Training run ${runId} has no saved state yet (it is written every few steps and on pause); start it again from the beginning.`,
      );
    const size = Math.min(length, MAX_READ_CHUNK_BYTES, Math.max(0, info.size - offset));
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size);
      await handle.read(buffer, 0, size, offset);
      return { data: buffer.toString('base64'), total: info.size };
    } finally {
      await handle.close();
    }
  }

  /**
   * Moves the run's finished output folder into `<dataDir>/checkpoints/trained/<runId>` (one rename)
   * and adds it to the checkpoint library under `name`.
   */
  async publish(runId: string, name: string, library: CheckpointImporter): Promise<CheckpointRecord> {
    const run = await this.get(runId);
    const output = join(this.dir(runId), 'output');
    if (!existsSync(join(output, 'config.json')))
      throw new ServiceError(
        'bad-request',
        `Training run ${runId} has no finished output (config.json missing in ${output}); upload the folder's files first.`,
      );
    const partials = (await readdir(output)).filter((f) => f.endsWith('.partial'));
    if (partials.length > 0)
      throw new ServiceError(
        'bad-request',
        `Training run ${runId}: ${partials.join(', ')} did not finish uploading; send their last chunks first.`,
      );
    const trainedDir = join(this.dataDir, 'checkpoints', 'trained');
    await mkdir(trainedDir, { recursive: true });
    const folder = join(trainedDir, runId);
    if (existsSync(folder))
      throw new ServiceError(
        'bad-request',
        `${folder} already exists: run ${runId} was published before (checkpoint ${run.resultCheckpointId ?? 'unknown'}).`,
      );
    await rename(output, folder);
    const record = await library.import(folder, name);
    await this.writeRun({ ...(await this.get(runId)), resultCheckpointId: record.id });
    return record;
  }
}
