/**
 * Training runs started in the Train view, kept on disk so a run survives a restart:
 * `<dataDir>/training-runs/<runId>/run.json` (settings, status, loss and dev-metric history),
 * `training_state.safetensors` (the trainer's last state snapshot, to resume from) and `output/`
 * (the finished HF folder's files, written by the worker). Publishing moves `output/` into
 * `<dataDir>/checkpoints/trained/` in one rename and registers it with the checkpoint library.
 *
 * Bytes arrive as bytes, streamed by the inference worker over the same byte path checkpoint downloads
 * use (electron/files/trainingFiles.ts: HTTP PUT in serve mode, app:// in Electron), into a temp file
 * renamed into place at the end, so a reader never sees a half-written file. Plain files, not SQLite:
 * state snapshots are large blobs and nothing queries inside a run.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically, writeStreamAtomically } from './atomicWrite';
import type {
  CheckpointRecord,
  LearningCurve,
  LearningCurvePoint,
  TrainingRunInput,
  TrainingRunRecord,
} from '../../shared/ipc';
import { ServiceError } from './errors';

export const TRAINING_STATE_FILE = 'training_state.safetensors';
/**
 * Largest file one upload may be: a NEZHA-large state (330M fp32 weights, two AdamW moments and a copy of
 * the best weights, about 5.3 GB) fits with room to spare.
 */
export const MAX_TRAINING_FILE_BYTES = 8 * 1024 ** 3;

const runIdPattern = /^[A-Za-z0-9_-]{1,100}$/;

/** The files a trained HF folder holds (what shared/training's trainedFolderFiles writes, and HF's kin). */
const trainedFolderFiles = [
  'config.json',
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'generation_config.json',
  'training_args.json',
  'training_record.json',
];
const weightShardPattern = /^(model-\d{5}-of-\d{5}\.safetensors|pytorch_model-\d{5}-of-\d{5}\.bin)$/;

export function isTrainedFolderFile(name: string): boolean {
  return trainedFolderFiles.includes(name) || weightShardPattern.test(name);
}

/** What an upload writes: the state snapshot taken after optimizer step `step`, or one output file. */
export type TrainingFileTarget = { kind: 'state'; step: number } | { kind: 'output'; file: string };

/** An upload over the size limit (transports answer 413); nothing of it was kept. */
export class TrainingFileTooLargeError extends ServiceError {
  constructor(message: string) {
    super('bad-request', message);
    this.name = 'TrainingFileTooLargeError';
  }
}

export interface TrainingRunStoreOptions {
  /** Default MAX_TRAINING_FILE_BYTES; tests set a small one. */
  maxFileBytes?: number;
}

export interface CheckpointImporter {
  import(path: string, name?: string): Promise<CheckpointRecord>;
}

export class TrainingRunStore {
  private readonly root: string;
  private readonly maxFileBytes: number;

  constructor(
    private readonly dataDir: string,
    options: TrainingRunStoreOptions = {},
  ) {
    this.root = join(dataDir, 'training-runs');
    this.maxFileBytes = options.maxFileBytes ?? MAX_TRAINING_FILE_BYTES;
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

  /** Creates or updates a run (settings, status, histories). State bytes arrive through receiveFile. */
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

  /**
   * Streams an upload into the run's folder: the state snapshot (recording the step it was taken at) or
   * one file of the finished HF folder. The bytes go to a temp file that is renamed into place only once
   * the whole body arrived, so a broken or refused upload leaves the previous file as it was. Refused
   * before anything is written when the declared length is over the limit, and while streaming when the
   * bytes are.
   */
  async receiveFile(
    runId: string,
    target: TrainingFileTarget,
    body: AsyncIterable<Uint8Array>,
    declaredBytes?: number,
  ): Promise<{ bytes: number }> {
    await this.get(runId);
    const path = this.pathOf(runId, target);
    const what = target.kind === 'state' ? `the state of run ${runId}` : `${target.file} of run ${runId}`;
    const refuseOver = (bytes: number) => {
      if (bytes > this.maxFileBytes)
        throw new TrainingFileTooLargeError(
          `${what} is over the ${this.maxFileBytes}-byte limit for one training file (${bytes} bytes${declaredBytes === undefined ? ' so far' : ''}); nothing was saved.`,
        );
    };
    if (declaredBytes !== undefined) refuseOver(declaredBytes);
    await mkdir(dirname(path), { recursive: true });
    const bytes = await writeStreamAtomically(path, body, refuseOver);
    if (target.kind === 'state') await this.writeRun({ ...(await this.get(runId)), stateStep: target.step });
    return { bytes };
  }

  /** Where the run's saved state snapshot is, to serve it back (with Range) when the run resumes. */
  async stateFile(runId: string): Promise<{ path: string; size: number }> {
    await this.get(runId);
    const path = this.pathOf(runId, { kind: 'state', step: 0 });
    const info = await stat(path).catch(() => null);
    if (!info)
      throw new ServiceError(
        'not-found',
        `Training run ${runId} has no saved state yet (it is written every few steps and on pause); start it again from the beginning.`,
      );
    return { path, size: info.size };
  }

  private pathOf(runId: string, target: TrainingFileTarget): string {
    const dir = this.dir(runId);
    if (target.kind === 'state') return join(dir, TRAINING_STATE_FILE);
    if (!isTrainedFolderFile(target.file))
      throw new ServiceError(
        'bad-request',
        `"${target.file}" is not a file a trained HF folder holds (${trainedFolderFiles.join(', ')}, or weight shards like model-00001-of-00002.safetensors); no folders.`,
      );
    return join(dir, 'output', target.file);
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
    // writeStreamAtomically's temp files (".<name>.<pid>.<id>.tmp") are uploads still in flight.
    const inFlight = (await readdir(output)).filter((f) => f.startsWith('.') && f.endsWith('.tmp'));
    if (inFlight.length > 0)
      throw new ServiceError(
        'bad-request',
        `Training run ${runId}: ${inFlight.join(', ')} are still uploading; publish once the uploads finished.`,
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

  /**
   * The version chain of Annotate's model updates that `checkpointId` is on, oldest first, from the run
   * records (each update run names its parent and base checkpoint and holds both held-out scores). A
   * checkpoint no update made is version 0: the chain shown is the newest update started from it.
   */
  async learningCurve(checkpointId: string): Promise<LearningCurve> {
    const updates = (await this.list()).filter(
      (r): r is TrainingRunRecord & { modelUpdate: NonNullable<TrainingRunRecord['modelUpdate']> } =>
        r.modelUpdate !== undefined &&
        r.resultCheckpointId !== null &&
        (r.status === 'completed' || r.status === 'early-stopped'),
    );
    const byResult = new Map(updates.map((r) => [r.resultCheckpointId!, r]));
    const own = byResult.get(checkpointId);
    // list() is newest first.
    const tip = own ?? updates.find((r) => r.modelUpdate.baseCheckpointId === checkpointId);
    if (!tip) return { checkpointId, version: 0, points: [] };
    const chain = [tip];
    const seen = new Set([tip.id]);
    for (let parent = byResult.get(tip.modelUpdate.parentCheckpointId); parent && !seen.has(parent.id);) {
      chain.unshift(parent);
      seen.add(parent.id);
      parent = byResult.get(parent.modelUpdate.parentCheckpointId);
    }
    const first = chain[0].modelUpdate;
    const points: LearningCurvePoint[] = [
      {
        version: first.version - 1,
        checkpointId: first.parentCheckpointId,
        checkpointName: first.parentCheckpointName,
        runId: null,
        datasetId: chain[0].datasetId,
        datasetName: first.datasetName,
        trainExamples: 0,
        score: first.parentScore,
        parentScore: null,
        createdAt: null,
      },
      ...chain.map((run) => ({
        version: run.modelUpdate.version,
        checkpointId: run.resultCheckpointId!,
        checkpointName: run.name,
        runId: run.id,
        datasetId: run.datasetId,
        datasetName: run.modelUpdate.datasetName,
        trainExamples: run.modelUpdate.trainExamples,
        score: run.modelUpdate.score,
        parentScore: run.modelUpdate.parentScore,
        createdAt: run.createdAt,
      })),
    ];
    return { checkpointId, version: own ? own.modelUpdate.version : 0, points };
  }
}
