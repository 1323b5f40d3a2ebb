/**
 * The Benchmark view's state and the run loop. A run is checkpoints × datasets: every pair is checked up
 * front (shared/benchmark's head check on the checkpoint's config and tensor shapes, read by the worker from
 * the weight headers), then each accepted cell is opened in the main side's run store (a finished cell comes
 * back as is, an interrupted one with the predictions stored so far), run in the inference worker, and every
 * chunk of predictions the worker streams back is stored through the api before the cell counts as done.
 */
import { create } from 'zustand';
// Only the tfjs-free parts of shared/benchmark: the UI thread never loads tfjs (the worker does).
import {
  checkHeadCompatibility,
  datasetLabelsOf,
  type HeadPlan,
} from '../../../../shared/benchmark/compatibility';
import { canonicalJson, webCryptoSha256 } from '../../../../shared/benchmark/hash';
import type { BenchmarkRunRecord } from '../../../../shared/benchmark/report';
import { DEFAULT_PREDICTION_SETTINGS, type PredictionSettings } from '../../../../shared/benchmark/runner';
import { headlineMetric } from '../../../../shared/benchmark/score';
import type {
  BenchmarkData,
  BenchmarkProgress,
  BenchmarkTask,
  ExamplePrediction,
} from '../../../../shared/benchmark/types';
import type {
  BenchmarkRunSummary,
  CheckpointRecord,
  DatasetDetail,
  DatasetRecord,
  ExampleView,
} from '../../../../shared/ipc';
import { TASK_LABELS, TASK_OF_DATASET } from '../../../../shared/nezha/tasks';
import type { Api } from '../../api/client';
import { backendLabel, type BackendStatus } from '../../inference/common/backendSelection';
import type { InspectedCheckpointInfo } from '../../inference/common/protocol/benchmark';
import type { InferenceClient } from '../../inference/ui/client';
import { loadRequestFor } from '../../inference/ui/models';

/** What each benchmark's dataset kind is shown as: the label of the task it scores. */
export const BENCHMARK_TASK_NAMES = Object.fromEntries(
  Object.entries(TASK_OF_DATASET).map(([datasetTask, task]) => [datasetTask, TASK_LABELS[task]]),
) as Readonly<Record<BenchmarkTask, string>>;

export type CellStatus =
  'checking' | 'refused' | 'ready' | 'queued' | 'running' | 'cancelled' | 'failed' | 'finished';

export interface CellState {
  checkpointId: string;
  datasetId: string;
  status: CellStatus;
  /** Why the pair is refused (head check) or why the run failed. */
  reasons: string[];
  plan?: HeadPlan;
  progress?: BenchmarkProgress;
  runId?: string;
  /** Predictions stored for the cell (from the run store's list: an interrupted run's count). */
  storedDone?: number;
  record?: BenchmarkRunRecord;
  predictions?: ExamplePrediction[];
}

export interface LoadedDataset {
  detail: DatasetDetail;
  data: BenchmarkData;
  /** SHA-256 of the evaluated records (canonical JSON): the run's identity, and it changes with edits. */
  sha256: string;
}

export interface RunOptions {
  maxBatchSize: number;
  resamples: number;
  seed: number;
}

export const DEFAULT_RUN_OPTIONS: RunOptions = { maxBatchSize: 16, resamples: 1000, seed: 0 };

export function cellKey(checkpointId: string, datasetId: string): string {
  return `${checkpointId}\u0001${datasetId}`;
}

interface BenchmarkState {
  selectedCheckpoints: string[];
  selectedDatasets: string[];
  options: RunOptions;
  inspections: Record<string, InspectedCheckpointInfo | { error: string }>;
  datasets: Record<string, LoadedDataset | { error: string }>;
  cells: Record<string, CellState>;
  /** Stored runs by cell, from the run store (survives a restart). */
  stored: Record<string, BenchmarkRunSummary>;
  running: boolean;
  jobId: string | null;
  cancelRequested: boolean;
  /** The cell whose details are open. */
  detailsKey: string | null;
  message: string | null;
}

export const useBenchmark = create<BenchmarkState>()(() => ({
  selectedCheckpoints: [],
  selectedDatasets: [],
  options: DEFAULT_RUN_OPTIONS,
  inspections: {},
  datasets: {},
  cells: {},
  stored: {},
  running: false,
  jobId: null,
  cancelRequested: false,
  detailsKey: null,
  message: null,
}));

const SELECTION_KEY = 'nezha.benchmark.selection';

/** The selection is kept across restarts so an interrupted run can be resumed as it was set up. */
export function restoreSelection(): void {
  try {
    const raw = localStorage.getItem(SELECTION_KEY);
    if (!raw) return;
    const saved = JSON.parse(raw) as Partial<
      Pick<BenchmarkState, 'selectedCheckpoints' | 'selectedDatasets' | 'options'>
    >;
    useBenchmark.setState({
      selectedCheckpoints: Array.isArray(saved.selectedCheckpoints) ? saved.selectedCheckpoints : [],
      selectedDatasets: Array.isArray(saved.selectedDatasets) ? saved.selectedDatasets : [],
      options: { ...DEFAULT_RUN_OPTIONS, ...(saved.options ?? {}) },
    });
  } catch {
    // A damaged entry only loses the selection.
  }
}

function saveSelection(): void {
  const { selectedCheckpoints, selectedDatasets, options } = useBenchmark.getState();
  try {
    localStorage.setItem(SELECTION_KEY, JSON.stringify({ selectedCheckpoints, selectedDatasets, options }));
  } catch {
    // Private mode: the selection is simply not kept.
  }
}

export function toggleSelection(kind: 'checkpoint' | 'dataset', id: string): void {
  const field = kind === 'checkpoint' ? 'selectedCheckpoints' : 'selectedDatasets';
  const current = useBenchmark.getState()[field];
  useBenchmark.setState({
    [field]: current.includes(id) ? current.filter((x) => x !== id) : [...current, id],
  } as Partial<BenchmarkState>);
  saveSelection();
}

export function setRunOptions(patch: Partial<RunOptions>): void {
  useBenchmark.setState({ options: { ...useBenchmark.getState().options, ...patch } });
  saveSelection();
}

function patchCell(key: string, patch: Partial<CellState>): void {
  const cells = useBenchmark.getState().cells;
  const cell = cells[key];
  if (!cell) return;
  useBenchmark.setState({ cells: { ...cells, [key]: { ...cell, ...patch } } });
}

/** The settings that decide predictions and metrics: the run store's key. */
export function runSettings(options: RunOptions): PredictionSettings & {
  limit: null;
  resamples: number;
  ciLevel: number;
  seed: number;
} {
  return {
    ...DEFAULT_PREDICTION_SETTINGS,
    maxBatchSize: options.maxBatchSize,
    limit: null,
    resamples: options.resamples,
    ciLevel: 0.95,
    seed: options.seed,
  };
}

/** A stored example as the record the runner evaluates (gold = the working annotation for NER). */
export function benchmarkRecordOf(task: BenchmarkTask, example: ExampleView): unknown {
  if (task === 'ner') {
    return {
      text: example.text,
      spans: example.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
    };
  }
  if (example.record === null || typeof example.record !== 'object') {
    throw new Error(
      `Example #${example.index + 1} of dataset ${example.datasetId} has no stored ${task} record; re-import the dataset.`,
    );
  }
  return example.record;
}

async function loadDataset(api: Api, record: DatasetRecord): Promise<LoadedDataset> {
  const task = record.task as BenchmarkTask;
  if (!['ner', 'classification', 'pair', 'qa', 'mc'].includes(task)) {
    throw new Error(`Dataset "${record.name}" has task "${record.task}", which no benchmark runs.`);
  }
  const detail = await api.datasets.get({ id: record.id });
  const records: unknown[] = [];
  for (let offset = 0; ;) {
    const page = await api.examples.list({ datasetId: record.id, offset, limit: 500, order: 'index' });
    for (const item of page.items) records.push(benchmarkRecordOf(task, item));
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) break;
  }
  if (records.length === 0) throw new Error(`Dataset "${record.name}" has no examples to evaluate.`);
  const data = { task, records } as BenchmarkData;
  const sha256 = await webCryptoSha256(new TextEncoder().encode(canonicalJson(data)));
  return { detail, data, sha256 };
}

function inspectionOk(
  value: InspectedCheckpointInfo | { error: string } | undefined,
): value is InspectedCheckpointInfo {
  return value !== undefined && !('error' in value);
}

function datasetOk(value: LoadedDataset | { error: string } | undefined): value is LoadedDataset {
  return value !== undefined && !('error' in value);
}

let checkGeneration = 0;

/**
 * Reads what the head check needs for every selected checkpoint and dataset (cached), then decides every
 * pair: refused with the reasons, or ready with the plan. Cells with a stored run show its state.
 */
export async function checkSelection(
  api: Api,
  inference: InferenceClient,
  library: { checkpoints: CheckpointRecord[]; datasets: DatasetRecord[] },
): Promise<void> {
  const generation = ++checkGeneration;
  const state = useBenchmark.getState();
  const checkpoints = library.checkpoints.filter((c) => state.selectedCheckpoints.includes(c.id));
  const datasets = library.datasets.filter((d) => state.selectedDatasets.includes(d.id));
  const checking: Record<string, CellState> = {};
  for (const c of checkpoints)
    for (const d of datasets) {
      const key = cellKey(c.id, d.id);
      const previous = state.cells[key];
      checking[key] =
        previous?.status === 'running'
          ? previous
          : { checkpointId: c.id, datasetId: d.id, status: 'checking', reasons: [] };
    }
  useBenchmark.setState({ cells: checking });

  await Promise.all([
    ...checkpoints.map(async (c) => {
      if (useBenchmark.getState().inspections[c.id]) return;
      let value: InspectedCheckpointInfo | { error: string };
      try {
        value = await inference.call('inspectCheckpoint', {
          name: c.name,
          files: loadRequestFor(c, api.checkpointFileUrl).files,
        });
      } catch (error) {
        value = { error: (error as Error).message };
      }
      useBenchmark.setState({ inspections: { ...useBenchmark.getState().inspections, [c.id]: value } });
    }),
    ...datasets.map(async (d) => {
      if (useBenchmark.getState().datasets[d.id]) return;
      let value: LoadedDataset | { error: string };
      try {
        value = await loadDataset(api, d);
      } catch (error) {
        value = { error: (error as Error).message };
      }
      useBenchmark.setState({ datasets: { ...useBenchmark.getState().datasets, [d.id]: value } });
    }),
  ]);
  await refreshStoredRuns(api);
  // A newer check (the selection changed meanwhile) decides the cells.
  if (generation !== checkGeneration || useBenchmark.getState().running) return;

  const { inspections, datasets: loaded, stored, options } = useBenchmark.getState();
  const settingsKey = canonicalJson(runSettings(options));
  const cells = { ...useBenchmark.getState().cells };
  for (const c of checkpoints) {
    for (const d of datasets) {
      const key = cellKey(c.id, d.id);
      if (cells[key]?.status === 'running') continue;
      const previous = state.cells[key];
      const inspection = inspections[c.id];
      const dataset = loaded[d.id];
      const reasons: string[] = [];
      if (!inspectionOk(inspection))
        reasons.push(`checkpoint "${c.name}" could not be read: ${inspection?.error}`);
      if (!datasetOk(dataset)) reasons.push(`dataset "${d.name}" could not be read: ${dataset?.error}`);
      if (!inspectionOk(inspection) || !datasetOk(dataset)) {
        cells[key] = { checkpointId: c.id, datasetId: d.id, status: 'refused', reasons };
        continue;
      }
      const check = checkHeadCompatibility({
        task: dataset.data.task,
        config: inspection.config,
        tensors: inspection.tensors,
        datasetLabels: datasetLabelsOf(dataset.data),
      });
      if (!check.ok) {
        cells[key] = { checkpointId: c.id, datasetId: d.id, status: 'refused', reasons: check.reasons };
        continue;
      }
      const run = stored[key];
      const sameRun =
        run &&
        run.checkpointSha256 === inspection.hash.sha256 &&
        run.datasetSha256 === dataset.sha256 &&
        canonicalJson(run.settings) === settingsKey;
      cells[key] = {
        checkpointId: c.id,
        datasetId: d.id,
        status: sameRun ? (run.status === 'running' ? 'cancelled' : run.status) : 'ready',
        reasons: sameRun && run.error ? [run.error] : [],
        plan: check.plan,
        runId: sameRun ? run.id : undefined,
        storedDone: sameRun ? run.done : undefined,
        record: sameRun && run.record ? run.record : undefined,
        // Predictions already read for this run are kept (they are final once it is finished).
        predictions:
          sameRun && run.status === 'finished' && previous?.runId === run.id
            ? previous.predictions
            : undefined,
      };
    }
  }
  useBenchmark.setState({ cells });
  // Finished cells need their predictions for the significance tests and the details.
  await Promise.all(
    Object.entries(cells)
      .filter(([, cell]) => cell.status === 'finished' && cell.runId && !cell.predictions)
      .map(async ([key, cell]) => {
        const predictions = await api.benchmarks.predictions({ runId: cell.runId! });
        patchCell(key, { predictions });
      }),
  );
}

/** The latest stored run of every (checkpoint, dataset) in the library. */
export async function refreshStoredRuns(api: Api): Promise<void> {
  const runs = await api.benchmarks.list();
  const stored: Record<string, BenchmarkRunSummary> = {};
  for (const run of runs) {
    if (!run.checkpointId || !run.datasetId) continue;
    stored[cellKey(run.checkpointId, run.datasetId)] = run;
  }
  useBenchmark.setState({ stored });
}

function deviceOf(backend: BackendStatus | null): string | undefined {
  if (!backend) return undefined;
  if (backend.backend === 'webgpu') return backend.adapter;
  return backendLabel(backend);
}

/** Runs every ready, cancelled or failed cell of the selection, one checkpoint at a time. */
export async function startRun(
  api: Api,
  inference: InferenceClient,
  library: { checkpoints: CheckpointRecord[]; datasets: DatasetRecord[] },
  backend: BackendStatus | null,
): Promise<void> {
  if (useBenchmark.getState().running) return;
  const jobId = `benchmark-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  useBenchmark.setState({ running: true, jobId, cancelRequested: false, message: null });
  const appInfo = await api.app.info();
  const { options, inspections, datasets } = useBenchmark.getState();
  const settings = runSettings(options);
  const todo = Object.entries(useBenchmark.getState().cells)
    .filter(([, c]) => ['ready', 'cancelled', 'failed'].includes(c.status) && c.plan)
    .sort(([, a], [, b]) => (a.checkpointId < b.checkpointId ? -1 : a.checkpointId > b.checkpointId ? 1 : 0));
  for (const [key] of todo) patchCell(key, { status: 'queued' });
  try {
    for (const [key, initial] of todo) {
      if (useBenchmark.getState().cancelRequested) {
        patchCell(key, { status: initial.runId ? 'cancelled' : 'ready' });
        continue;
      }
      const checkpoint = library.checkpoints.find((c) => c.id === initial.checkpointId)!;
      const datasetRecord = library.datasets.find((d) => d.id === initial.datasetId)!;
      const inspection = inspections[checkpoint.id] as InspectedCheckpointInfo;
      const dataset = datasets[datasetRecord.id] as LoadedDataset;
      const plan = initial.plan!;
      let runId: string | undefined;
      try {
        const opened = await api.benchmarks.open({
          checkpointSha256: inspection.hash.sha256,
          datasetSha256: dataset.sha256,
          task: plan.task,
          settings: { ...settings },
          checkpointName: checkpoint.name,
          datasetName: datasetRecord.name,
          total: dataset.data.records.length,
          checkpointId: checkpoint.id,
          datasetId: datasetRecord.id,
        });
        runId = opened.run.id;
        if (opened.state === 'finished') {
          const predictions = await api.benchmarks.predictions({ runId });
          patchCell(key, {
            status: 'finished',
            runId,
            record: opened.run.record ?? undefined,
            predictions,
            reasons: [],
          });
          continue;
        }
        const completed = opened.state === 'resume' ? opened.completed : [];
        patchCell(key, {
          status: 'running',
          runId,
          reasons: [],
          progress: {
            done: completed.length,
            total: dataset.data.records.length,
            resumed: completed.length,
            examplesPerSecond: 0,
            etaSeconds: null,
            elapsedMs: 0,
          },
        });
        await inference.call('load', {
          ...loadRequestFor(checkpoint, api.checkpointFileUrl),
          className: plan.className,
        });
        // A cancel during the load has no worker job to stop yet: honour it before the run starts.
        if (useBenchmark.getState().cancelRequested) throw new Error('Cancelled.');
        const startedAt = new Date().toISOString();
        // Chunks are stored in order; the run is finished only after the last one is acknowledged.
        let saving: Promise<unknown> = Promise.resolve();
        let saveError: Error | null = null;
        const result = await inference.call(
          'benchmarkRun',
          {
            modelId: checkpoint.id,
            plan,
            data: dataset.data,
            completed,
            settings: { maxBatchSize: settings.maxBatchSize },
            resamples: settings.resamples,
            seed: settings.seed,
            device: deviceOf(backend),
            jobId,
          },
          {
            onProgress: (p) => {
              if (!p.benchmark) return;
              patchCell(key, { progress: p.benchmark.progress });
              const chunk = p.benchmark.predictions;
              if (chunk.length > 0) {
                saving = saving.then(() =>
                  api.benchmarks
                    .savePredictions({ runId: runId!, predictions: chunk })
                    .catch((error: Error) => {
                      saveError ??= error;
                    }),
                );
              }
            },
          },
        );
        await saving;
        if (saveError) throw saveError;
        const record: BenchmarkRunRecord = {
          checkpoint: {
            name: checkpoint.name,
            path: checkpoint.path,
            sha256: inspection.hash.sha256,
            weightFiles: inspection.hash.files,
            className: plan.className,
            numLabels: plan.numLabels,
            labelMatch: plan.labelMatch,
          },
          dataset: {
            name: datasetRecord.name,
            ...(dataset.detail.sourcePath ? { path: dataset.detail.sourcePath } : {}),
            sha256: dataset.sha256,
            format: datasetRecord.format,
            task: plan.task,
            records: dataset.data.records.length,
            evaluated: dataset.data.records.length,
          },
          settings: {
            ...result.settings,
            limit: null,
            resamples: settings.resamples,
            ciLevel: 0.95,
            seed: settings.seed,
          },
          environment: {
            backend: result.timing.backend,
            ...(result.timing.device ? { device: result.timing.device } : {}),
            appVersion: appInfo.version,
            runtime: `${appInfo.host} · ${navigator.userAgent}`,
          },
          startedAt,
          finishedAt: new Date().toISOString(),
          resumed: result.resumed,
          metrics: result.metrics,
          timing: result.timing,
          notes: [
            ...plan.notes,
            `dataset SHA-256 is of the evaluated records (canonical JSON of the stored examples)${dataset.detail.sourceHash ? `; the imported file's SHA-256 is ${dataset.detail.sourceHash}` : ''}`,
          ],
        };
        const finished = await api.benchmarks.finish({ runId, record: { ...record } });
        patchCell(key, {
          status: 'finished',
          record: finished.record ?? record,
          predictions: result.predictions,
        });
      } catch (error) {
        const cancelled = useBenchmark.getState().cancelRequested;
        const message = (error as Error).message;
        if (runId) {
          await api.benchmarks
            .stop({
              runId,
              status: cancelled ? 'cancelled' : 'failed',
              ...(cancelled ? {} : { error: message }),
            })
            .catch(() => undefined);
        }
        patchCell(key, { status: cancelled ? 'cancelled' : 'failed', reasons: cancelled ? [] : [message] });
      }
    }
  } finally {
    useBenchmark.setState({ running: false, jobId: null });
    await refreshStoredRuns(api).catch(() => undefined);
  }
}

export async function cancelRun(inference: InferenceClient): Promise<void> {
  const { jobId, running } = useBenchmark.getState();
  if (!running || !jobId) return;
  useBenchmark.setState({ cancelRequested: true });
  await inference.call('cancel', { jobId });
}

/** The headline value of a finished cell (NaN when none). */
export function headlineValue(cell: CellState | undefined): number {
  if (!cell?.record) return Number.NaN;
  return headlineMetric(cell.record.dataset.task, cell.record.metrics)?.value ?? Number.NaN;
}
