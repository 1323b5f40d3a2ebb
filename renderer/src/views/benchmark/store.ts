/**
 * The Benchmark view's store (the one view-store style, state/viewStore.ts) and its run loop. A run is
 * checkpoints × datasets: every pair is checked up front (shared/benchmark's head check on the checkpoint's
 * config and tensor shapes, read by the worker from the weight headers, against the labels of the dataset's
 * benchmark data file, which the main side builds and hashes), then each accepted cell goes through
 * shared/benchmark's orchestrator: opened in the main side's run store (a finished cell comes back as is, an
 * interrupted one with the predictions stored so far), predicted in the inference worker, every chunk stored
 * through the api before the cell counts as done, scored in the worker and finished with the one run record.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
// Only the tfjs-free parts of shared/benchmark: the UI thread never loads tfjs (the worker does).
import { checkHeadCompatibility, type HeadPlan } from '../../../../shared/benchmark/compatibility';
import { canonicalJson } from '../../../../shared/benchmark/hash';
import { runBenchmarkJob, type BenchmarkJob } from '../../../../shared/benchmark/orchestrator';
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
  PreparedBenchmarkData,
} from '../../../../shared/ipc';
import { TASK_LABELS, TASK_OF_DATASET } from '../../../../shared/nezha/tasks';
import type { Api } from '../../api/client';
import { backendLabel, type BackendStatus } from '../../inference/common/backendSelection';
import type { InspectedCheckpointInfo } from '../../inference/common/protocol/benchmark';
import { loadRequestFor } from '../../inference/ui/models';
import { defineViewStore, type ViewStoreDeps } from '../../state/viewStore';
import { firstStartExample } from './firstStartExample';
import { apiRunStore, benchmarkHolder, workerPredictor, workerScorer } from './runAdapters';

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
  /**
   * The benchmark data file the main side built and hashed: its SHA-256 (of the evaluated records' canonical
   * JSON) is the runs' identity and changes with edits; the worker reads the records from `url`.
   */
  prepared: PreparedBenchmarkData;
  url: string;
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

/** The checkpoints and datasets the selection's ids refer to (the library's lists). */
export interface BenchmarkLibrary {
  checkpoints: CheckpointRecord[];
  datasets: DatasetRecord[];
}

export interface BenchmarkState {
  selectedCheckpoints: string[];
  selectedDatasets: string[];
  /** No selection was ever kept: the view offers the first-start example once the library is listed. */
  firstStart: boolean;
  options: RunOptions;
  inspections: Record<string, InspectedCheckpointInfo | { error: string }>;
  datasets: Record<string, LoadedDataset | { error: string }>;
  /** The records of datasets whose details were opened (read from the data file when first needed). */
  examples: Record<string, BenchmarkData | { error: string }>;
  cells: Record<string, CellState>;
  /** Stored runs by cell, from the run store (survives a restart). */
  stored: Record<string, BenchmarkRunSummary>;
  running: boolean;
  jobId: string | null;
  cancelRequested: boolean;
  /** The cell whose details are open. */
  detailsKey: string | null;
  message: string | null;

  toggleSelection(kind: 'checkpoint' | 'dataset', id: string): void;
  /** On first start, selects the builtin trained models × the builtin gold sets (firstStartExample). */
  offerFirstStartExample(library: BenchmarkLibrary): void;
  setRunOptions(patch: Partial<RunOptions>): void;
  /**
   * Reads what the head check needs for every selected checkpoint and dataset, then decides every pair:
   * refused with the reasons, or ready with the plan. Cells with a stored run show its state.
   */
  checkSelection(library: BenchmarkLibrary): Promise<void>;
  /** The latest stored run of every (checkpoint, dataset) in the library. */
  refreshStoredRuns(): Promise<void>;
  /** Runs every ready, cancelled or failed cell of the selection, one checkpoint at a time. */
  startRun(library: BenchmarkLibrary, backend: BackendStatus | null): Promise<void>;
  cancelRun(): void;
  /** Opens a cell's details (null closes them), reading its dataset's records if they are not here yet. */
  openDetails(key: string | null): void;
  setMessage(message: string | null): void;
}

export const BenchmarkStore = defineViewStore<BenchmarkState>('Benchmark');

const SELECTION_KEY = 'nezha.benchmark.selection';

type Selection = Pick<BenchmarkState, 'selectedCheckpoints' | 'selectedDatasets' | 'options'>;

/** The selection is kept across restarts so an interrupted run can be resumed as it was set up. */
function restoredSelection(): Selection & Pick<BenchmarkState, 'firstStart'> {
  const empty = {
    selectedCheckpoints: [],
    selectedDatasets: [],
    options: DEFAULT_RUN_OPTIONS,
    firstStart: false,
  };
  try {
    const raw = localStorage.getItem(SELECTION_KEY);
    if (!raw) return { ...empty, firstStart: true };
    const saved = JSON.parse(raw) as Partial<Selection>;
    return {
      firstStart: false,
      selectedCheckpoints: Array.isArray(saved.selectedCheckpoints) ? saved.selectedCheckpoints : [],
      selectedDatasets: Array.isArray(saved.selectedDatasets) ? saved.selectedDatasets : [],
      options: { ...DEFAULT_RUN_OPTIONS, ...(saved.options ?? {}) },
    };
  } catch {
    // A damaged entry (or no localStorage here) only loses the selection.
    return empty;
  }
}

function saveSelection({ selectedCheckpoints, selectedDatasets, options }: Selection): void {
  try {
    localStorage.setItem(SELECTION_KEY, JSON.stringify({ selectedCheckpoints, selectedDatasets, options }));
  } catch {
    // Private mode: the selection is simply not kept.
  }
}

/** A path the main side serves files under, as a URL of the page's origin (both transports serve them there). */
function fileUrl(path: string): string {
  return new URL(path, globalThis.location.href).href;
}

async function loadDataset(api: Api, record: DatasetRecord): Promise<LoadedDataset> {
  const [detail, prepared] = await Promise.all([
    api.datasets.get({ id: record.id }),
    api.benchmarks.prepareData({ datasetId: record.id }),
  ]);
  return { detail, prepared, url: fileUrl(prepared.path) };
}

function inspectionOk(
  value: InspectedCheckpointInfo | { error: string } | undefined,
): value is InspectedCheckpointInfo {
  return value !== undefined && !('error' in value);
}

function datasetOk(value: LoadedDataset | { error: string } | undefined): value is LoadedDataset {
  return value !== undefined && !('error' in value);
}

function deviceOf(backend: BackendStatus | null): string | undefined {
  if (!backend) return undefined;
  if (backend.backend === 'webgpu') return backend.adapter;
  return backendLabel(backend);
}

interface RunContext {
  library: BenchmarkLibrary;
  backend: BackendStatus | null;
  jobId: string;
  signal: AbortSignal;
  appInfo: { version: string; host: string };
}

export function createBenchmarkStore(deps: ViewStoreDeps): StoreApi<BenchmarkState> {
  const { api, inference } = deps;
  // A newer check (the selection changed meanwhile) decides the cells; older ones drop their results.
  let checkGeneration = 0;
  // Aborted by cancelRun: stops the cell being run (between chunks) and the cells after it.
  let cancel: AbortController | null = null;

  return createStore<BenchmarkState>()((set, get) => {
    function patchCell(key: string, patch: Partial<CellState>): void {
      const cells = get().cells;
      const cell = cells[key];
      if (!cell) return;
      set({ cells: { ...cells, [key]: { ...cell, ...patch } } });
    }

    async function refreshStoredRuns(): Promise<void> {
      const runs = await api.benchmarks.list();
      const stored: Record<string, BenchmarkRunSummary> = {};
      for (const run of runs) {
        if (!run.checkpointId || !run.datasetId) continue;
        stored[cellKey(run.checkpointId, run.datasetId)] = run;
      }
      set({ stored });
    }

    async function inspect(checkpoint: CheckpointRecord): Promise<void> {
      if (get().inspections[checkpoint.id]) return;
      let value: InspectedCheckpointInfo | { error: string };
      try {
        value = await inference.call('inspectCheckpoint', {
          name: checkpoint.name,
          files: loadRequestFor(checkpoint, api.checkpointFileUrl).files,
        });
      } catch (error) {
        value = { error: (error as Error).message };
      }
      set({ inspections: { ...get().inspections, [checkpoint.id]: value } });
    }

    async function prepare(dataset: DatasetRecord): Promise<void> {
      // Asked every time: the main side answers from its cache unless the dataset was edited since.
      let value: LoadedDataset | { error: string };
      try {
        value = await loadDataset(api, dataset);
      } catch (error) {
        value = { error: (error as Error).message };
      }
      const previous = get().datasets[dataset.id];
      const examples = { ...get().examples };
      // Records read for the details belong to the file they were read from.
      if (!datasetOk(value) || !datasetOk(previous) || previous.prepared.sha256 !== value.prepared.sha256)
        delete examples[dataset.id];
      set({ datasets: { ...get().datasets, [dataset.id]: value }, examples });
    }

    async function checkSelection(library: BenchmarkLibrary): Promise<void> {
      const generation = ++checkGeneration;
      const state = get();
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
      set({ cells: checking });

      await Promise.all([...checkpoints.map(inspect), ...datasets.map(prepare)]);
      await refreshStoredRuns();
      if (generation !== checkGeneration || get().running) return;

      const { inspections, datasets: loaded, stored, options } = get();
      const settingsKey = canonicalJson(runSettings(options));
      const cells = { ...get().cells };
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
            task: dataset.prepared.task,
            config: inspection.config,
            tensors: inspection.tensors,
            datasetLabels: dataset.prepared.labels,
          });
          if (!check.ok) {
            cells[key] = { checkpointId: c.id, datasetId: d.id, status: 'refused', reasons: check.reasons };
            continue;
          }
          const run = stored[key];
          const sameRun =
            run &&
            run.checkpointSha256 === inspection.hash.sha256 &&
            run.datasetSha256 === dataset.prepared.sha256 &&
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
      set({ cells });
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

    /** The orchestrator's job for one cell: what identifies the run and what its record says. */
    function jobOf(cell: CellState, context: RunContext): BenchmarkJob {
      const settings = runSettings(get().options);
      const checkpoint = context.library.checkpoints.find((c) => c.id === cell.checkpointId)!;
      const datasetRecord = context.library.datasets.find((d) => d.id === cell.datasetId)!;
      const inspection = get().inspections[checkpoint.id] as InspectedCheckpointInfo;
      const { detail, prepared } = get().datasets[datasetRecord.id] as LoadedDataset;
      const plan = cell.plan!;
      return {
        open: {
          checkpointSha256: inspection.hash.sha256,
          datasetSha256: prepared.sha256,
          task: plan.task,
          settings: { ...settings },
          checkpointName: checkpoint.name,
          datasetName: datasetRecord.name,
          total: prepared.count,
          checkpointId: checkpoint.id,
          datasetId: datasetRecord.id,
        },
        plan,
        facts: {
          checkpoint: {
            name: checkpoint.name,
            path: checkpoint.path,
            sha256: inspection.hash.sha256,
            weightFiles: inspection.hash.files,
          },
          dataset: {
            name: datasetRecord.name,
            ...(detail.sourcePath ? { path: detail.sourcePath } : {}),
            sha256: prepared.sha256,
            format: datasetRecord.format,
            records: prepared.count,
          },
          environment: {
            appVersion: context.appInfo.version,
            runtime: `${context.appInfo.host} · ${navigator.userAgent}`,
          },
          limit: null,
          notes: [
            `dataset SHA-256 is of the evaluated records (canonical JSON of the stored examples)${detail.sourceHash ? `; the imported file's SHA-256 is ${detail.sourceHash}` : ''}`,
          ],
        },
        predictionSettings: { maxBatchSize: settings.maxBatchSize },
        bootstrap: { resamples: settings.resamples, seed: settings.seed },
      };
    }

    /** One cell through the orchestrator; the cell's state follows the run. */
    async function runCell(key: string, cell: CellState, context: RunContext): Promise<void> {
      const job = jobOf(cell, context);
      const checkpoint = context.library.checkpoints.find((c) => c.id === cell.checkpointId)!;
      const { prepared, url } = get().datasets[cell.datasetId] as LoadedDataset;
      const outcome = await runBenchmarkJob(job, {
        store: apiRunStore(api),
        predictor: workerPredictor({
          api,
          inference,
          checkpoint,
          plan: job.plan,
          data: { url, sha256: prepared.sha256 },
          jobId: context.jobId,
          device: deviceOf(context.backend),
        }),
        score: workerScorer(inference, {
          format: job.facts.dataset.format,
          dataUrl: url,
          dataSha256: prepared.sha256,
        }),
        signal: context.signal,
        onOpened: ({ runId, resumed }) =>
          patchCell(key, {
            status: 'running',
            runId,
            reasons: [],
            progress: {
              done: resumed,
              total: prepared.count,
              resumed,
              examplesPerSecond: 0,
              etaSeconds: null,
              elapsedMs: 0,
            },
          }),
        onProgress: (progress) => patchCell(key, { progress }),
      });
      switch (outcome.status) {
        case 'finished':
          patchCell(key, {
            status: 'finished',
            runId: outcome.runId,
            record: outcome.record,
            predictions: outcome.predictions,
            reasons: [],
          });
          return;
        case 'cancelled':
          patchCell(key, { status: 'cancelled', reasons: [] });
          return;
        case 'failed':
          patchCell(key, { status: 'failed', reasons: [outcome.error.message] });
      }
    }

    async function startRun(library: BenchmarkLibrary, backend: BackendStatus | null): Promise<void> {
      if (get().running) return;
      const jobId = `benchmark-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      const controller = new AbortController();
      cancel = controller;
      set({ running: true, jobId, cancelRequested: false, message: null });
      try {
        const appInfo = await api.app.info();
        const todo = Object.entries(get().cells)
          .filter(([, c]) => ['ready', 'cancelled', 'failed'].includes(c.status) && c.plan)
          .sort(([, a], [, b]) =>
            a.checkpointId < b.checkpointId ? -1 : a.checkpointId > b.checkpointId ? 1 : 0,
          );
        for (const [key] of todo) patchCell(key, { status: 'queued' });
        for (const [key, initial] of todo) {
          if (controller.signal.aborted) {
            patchCell(key, { status: initial.runId ? 'cancelled' : 'ready' });
            continue;
          }
          await runCell(key, initial, { library, backend, jobId, signal: controller.signal, appInfo });
        }
      } finally {
        cancel = null;
        set({ running: false, jobId: null });
        // The last checkpoint run is no longer in use: the worker may unload it under its budget.
        await inference.call('release', { holder: benchmarkHolder }).catch(() => undefined);
        await refreshStoredRuns().catch(() => undefined);
      }
    }

    function cancelRun(): void {
      if (!get().running || !cancel) return;
      set({ cancelRequested: true });
      // The worker predictor stops its job on abort; a cell still loading stops before predicting.
      cancel.abort(new Error('Cancelled.'));
    }

    function openDetails(key: string | null): void {
      set({ detailsKey: key });
      const cell = key ? get().cells[key] : undefined;
      const dataset = cell ? get().datasets[cell.datasetId] : undefined;
      if (!cell || !datasetOk(dataset) || get().examples[cell.datasetId]) return;
      const { datasetId } = cell;
      void (async () => {
        let value: BenchmarkData | { error: string };
        try {
          value = await api.readServedJson<BenchmarkData>(dataset.url);
        } catch (error) {
          value = { error: `The dataset's examples could not be read: ${(error as Error).message}` };
        }
        set({ examples: { ...get().examples, [datasetId]: value } });
      })();
    }

    return {
      ...restoredSelection(),
      inspections: {},
      datasets: {},
      examples: {},
      cells: {},
      stored: {},
      running: false,
      jobId: null,
      cancelRequested: false,
      detailsKey: null,
      message: null,

      toggleSelection(kind, id) {
        const field = kind === 'checkpoint' ? 'selectedCheckpoints' : 'selectedDatasets';
        const current = get()[field];
        set({ [field]: current.includes(id) ? current.filter((x) => x !== id) : [...current, id] });
        saveSelection(get());
      },
      offerFirstStartExample(library) {
        if (!get().firstStart || library.checkpoints.length === 0 || library.datasets.length === 0) return;
        set({ ...firstStartExample(library), firstStart: false });
        saveSelection(get());
      },
      setRunOptions(patch) {
        set({ options: { ...get().options, ...patch } });
        saveSelection(get());
      },
      checkSelection,
      refreshStoredRuns,
      startRun,
      cancelRun,
      openDetails,
      setMessage: (message) => set({ message }),
    };
  });
}

/** The headline value of a finished cell (NaN when none). */
export function headlineValue(cell: CellState | undefined): number {
  if (!cell?.record) return Number.NaN;
  return headlineMetric(cell.record.dataset.task, cell.record.metrics)?.value ?? Number.NaN;
}
