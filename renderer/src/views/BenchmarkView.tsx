import { useEffect, useMemo, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import { BenchmarkIcon } from '../components/icons';
import { PathField } from '../components/PathField';
import { backendLabel } from '../inference/common/backendSelection';
import { LibraryStore } from '../state/library';
import { useRouter } from '../state/router';
import { useRuntime } from '../state/runtime';
import { useServices } from '../state/services';
import { useToasts } from '../state/toasts';
import type { BenchmarkRunRecord } from '../../../shared/benchmark/report';
import { headlineMetric } from '../../../shared/benchmark/score';
import { BenchmarkDetails } from './benchmark/BenchmarkDetails';
import { BenchmarkGrid, useColumnComparisons } from './benchmark/BenchmarkGrid';
import { GroupedBarChart, type SeriesChartRow } from './benchmark/charts';
import { downloadText, renderReport, REPORT_FILE, type ReportFormat } from './benchmark/exportReport';
import { points } from './benchmark/format';
import { BENCHMARK_TASK_NAMES, BenchmarkStore, cellKey } from './benchmark/store';
import { names } from './requirements';
import './benchmark/benchmark.css';

export function BenchmarkView() {
  const { api, hostKind } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, datasets, refreshCheckpoints, refreshDatasets } = LibraryStore.use();
  const backend = useRuntime((s) => s.backend);
  const appInfo = useRuntime((s) => s.appInfo);
  const pushToast = useToasts((s) => s.push);
  const state = BenchmarkStore.use();
  const { selectedCheckpoints, selectedDatasets, cells, running, options, detailsKey } = state;
  const { checkSelection, startRun, cancelRun, toggleSelection, setRunOptions, setMessage } = state;
  const { offerFirstStartExample } = state;

  useEffect(() => {
    void refreshCheckpoints();
    void refreshDatasets();
  }, [api, refreshCheckpoints, refreshDatasets]);

  useEffect(() => {
    offerFirstStartExample({ checkpoints, datasets });
  }, [checkpoints, datasets, offerFirstStartExample]);

  const chosenCheckpoints = useMemo(
    () => checkpoints.filter((c) => selectedCheckpoints.includes(c.id)),
    [checkpoints, selectedCheckpoints],
  );
  const chosenDatasets = useMemo(
    () => datasets.filter((d) => selectedDatasets.includes(d.id)),
    [datasets, selectedDatasets],
  );
  const selectionKey = `${chosenCheckpoints.map((c) => c.id).join(',')}|${chosenDatasets.map((d) => d.id).join(',')}|${options.maxBatchSize}|${checkpoints.length}|${datasets.length}`;

  // Every change of the selection re-checks the pairs (cached inspections, so this is cheap).
  useEffect(() => {
    if (running || chosenCheckpoints.length === 0 || chosenDatasets.length === 0) return;
    checkSelection({ checkpoints, datasets }).catch((error: Error) => setMessage(error.message));
    // selectionKey stands for the chosen ids and batch size: re-check only when they change.
  }, [selectionKey, checkSelection]);

  const comparisons = useColumnComparisons(chosenCheckpoints, chosenDatasets, cells);

  if (checkpoints.length === 0 || datasets.length === 0) {
    return (
      <div className="view" data-testid="view-benchmark">
        <header className="view-header">
          <h1>Benchmark</h1>
        </header>
        <EmptyState
          icon={<BenchmarkIcon />}
          title="Compare checkpoints on Chinese benchmarks"
          testId="benchmark-empty"
          requirements={[
            {
              label: 'At least one checkpoint with a head for the task',
              met: checkpoints.length > 0,
              detail: checkpoints.length > 0 ? names(checkpoints) : 'Import a fine-tuned NEZHA checkpoint.',
              action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
            },
            {
              label: 'At least one evaluation dataset',
              met: datasets.length > 0,
              detail:
                datasets.length > 0
                  ? names(datasets)
                  : 'Import a benchmark split: MSRA / People’s Daily NER, CLUENER, LCQMC, ChnSentiCorp, XNLI, CMRC 2018 or C3.',
              action: { label: 'Go to Datasets', onClick: () => navigate('datasets') },
            },
          ]}
        >
          <p>
            Pick checkpoints and datasets; the inference worker batches examples by length, runs each
            checkpoint’s head and scores the predictions with the task’s standard metric (entity F1 for NER,
            accuracy for classification, EM/F1 for reading comprehension), with bootstrap confidence intervals
            and paired significance tests. Results are kept so runs can be compared and exported as a report.
          </p>
        </EmptyState>
      </div>
    );
  }

  const pairs = Object.values(cells).filter(
    (c) => selectedCheckpoints.includes(c.checkpointId) && selectedDatasets.includes(c.datasetId),
  );
  const refused = pairs.filter((c) => c.status === 'refused');
  const runnable = pairs.filter((c) => ['ready', 'cancelled', 'failed'].includes(c.status));
  const resumable = pairs.filter((c) => c.status === 'cancelled' || c.status === 'failed');
  const checking = pairs.some((c) => c.status === 'checking');
  const finishedRecords = chosenCheckpoints.flatMap((c) =>
    chosenDatasets.flatMap((d) => {
      const record = cells[cellKey(c.id, d.id)]?.record;
      return cells[cellKey(c.id, d.id)]?.status === 'finished' && record ? [record] : [];
    }),
  );

  const chartRows: SeriesChartRow[] = chosenDatasets.map((d) => {
    const row: SeriesChartRow = { name: d.name };
    for (const c of chosenCheckpoints) {
      const record = cells[cellKey(c.id, d.id)]?.record;
      const metric = record ? headlineMetric(record.dataset.task, record.metrics) : undefined;
      if (!metric) continue;
      const value = points(metric, metric.value);
      row[c.name] = value;
      row[`${c.name}__err`] = [value - points(metric, metric.ci[0]), points(metric, metric.ci[1]) - value];
    }
    return row;
  });

  const start = () => {
    startRun({ checkpoints, datasets }, backend).catch((error: Error) => setMessage(error.message));
  };

  return (
    <div className="view" data-testid="view-benchmark">
      <header className="view-header">
        <div>
          <h1>Benchmark</h1>
          <p className="muted">
            Checkpoints × datasets in the inference worker on{' '}
            <strong>{backend ? backendLabel(backend) : 'the backend being started'}</strong>; every prediction
            is stored, so a finished cell is never recomputed and an interrupted one resumes where it stopped.
          </p>
        </div>
      </header>

      <section className="panel bench-setup" aria-label="Run setup">
        <fieldset className="bench-pick">
          <legend>Checkpoints</legend>
          {checkpoints.map((c) => (
            <label key={c.id} className="bench-check">
              <input
                type="checkbox"
                checked={selectedCheckpoints.includes(c.id)}
                disabled={running}
                onChange={() => toggleSelection('checkpoint', c.id)}
              />
              <span>{c.name}</span>
              <span className="small muted">{c.architecture ?? 'encoder only'}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="bench-pick">
          <legend>Datasets</legend>
          {datasets.map((d) => (
            <label key={d.id} className="bench-check">
              <input
                type="checkbox"
                checked={selectedDatasets.includes(d.id)}
                disabled={running}
                onChange={() => toggleSelection('dataset', d.id)}
              />
              <span>{d.name}</span>
              <span className="small muted">
                {BENCHMARK_TASK_NAMES[d.task as keyof typeof BENCHMARK_TASK_NAMES] ?? d.task} ·{' '}
                {d.exampleCount} examples
              </span>
            </label>
          ))}
        </fieldset>
        <div className="bench-actions">
          <label className="field">
            <span>Batch size</span>
            <input
              className="input"
              type="number"
              min={1}
              max={256}
              value={options.maxBatchSize}
              disabled={running}
              onChange={(e) => {
                const value = Math.round(Number(e.target.value));
                if (Number.isFinite(value) && value >= 1 && value <= 256)
                  setRunOptions({ maxBatchSize: value });
              }}
            />
          </label>
          <p className="small muted">
            {pairs.length === 0
              ? 'Pick at least one checkpoint and one dataset.'
              : checking
                ? 'Checking which pairs can run…'
                : `${pairs.length} pairs: ${runnable.length} to run, ${pairs.filter((c) => c.status === 'finished').length} finished, ${refused.length} refused.`}
          </p>
          <div className="bench-buttons">
            <button
              type="button"
              className="button button-primary"
              disabled={running || checking || runnable.length === 0}
              onClick={start}
            >
              {resumable.length > 0
                ? `Resume (${runnable.length} cells)`
                : `Start (${runnable.length} cells)`}
            </button>
            <button
              type="button"
              className="button"
              disabled={!running || state.cancelRequested}
              onClick={cancelRun}
            >
              Cancel
            </button>
          </div>
        </div>
        {refused.length > 0 ? (
          <div className="callout bench-refusals" data-testid="refused-pairs">
            <strong>Refused before running</strong>
            <ul>
              {refused.map((c) => (
                <li key={cellKey(c.checkpointId, c.datasetId)}>
                  <strong>{checkpoints.find((x) => x.id === c.checkpointId)?.name}</strong> ×{' '}
                  <strong>{datasets.find((x) => x.id === c.datasetId)?.name}</strong>: {c.reasons.join('; ')}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {state.message ? <p className="callout callout-error">{state.message}</p> : null}
      </section>

      {chosenCheckpoints.length > 0 && chosenDatasets.length > 0 ? (
        <section className="panel bench-panel" aria-label="Comparison">
          <header className="bench-section-header">
            <h2>Comparison</h2>
            <ExportControls
              disabled={finishedRecords.length === 0}
              hostKind={hostKind}
              onExport={async (format, path) => {
                const info = appInfo ?? (await api.app.info());
                const content = renderReport(finishedRecords, format, {
                  appVersion: info.version,
                  createdAt: new Date().toISOString(),
                });
                if (path) {
                  const saved = await api.benchmarks.saveReport({ path, content });
                  pushToast({
                    kind: 'info',
                    title: 'Report saved',
                    detail: `${saved.path} (${saved.bytes} bytes)`,
                  });
                } else {
                  downloadText(
                    content,
                    `benchmark-report.${REPORT_FILE[format].extension}`,
                    REPORT_FILE[format].mime,
                  );
                }
              }}
            />
          </header>
          <BenchmarkGrid
            checkpoints={chosenCheckpoints}
            datasets={chosenDatasets}
            comparisons={comparisons}
          />
          {finishedRecords.length > 0 ? (
            <>
              <GroupedBarChart
                rows={chartRows}
                series={chosenCheckpoints.map((c) => c.name)}
                unit=""
                errorBars
                label="Headline metric × 100 per dataset, error bars: 95 % bootstrap interval. Random-weight fixture checkpoints score near chance."
              />
              <ThroughputTable records={finishedRecords} />
            </>
          ) : null}
        </section>
      ) : null}

      {detailsKey ? (
        <BenchmarkDetails cellId={detailsKey} checkpoints={chosenCheckpoints} datasets={chosenDatasets} />
      ) : null}
    </div>
  );
}

function ThroughputTable({ records }: { records: BenchmarkRunRecord[] }) {
  return (
    <table className="bench-table" data-testid="throughput-table">
      <caption className="small muted">Throughput and per-batch latency of each finished run</caption>
      <thead>
        <tr>
          <th>Checkpoint</th>
          <th>Dataset</th>
          <th>Backend (device)</th>
          <th>Examples/s</th>
          <th>Batch p50 (ms)</th>
          <th>Batch p95 (ms)</th>
          <th>Batches</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={`${r.checkpoint.sha256}-${r.checkpoint.name}-${r.dataset.sha256}-${r.dataset.name}`}>
            <td>{r.checkpoint.name}</td>
            <td>{r.dataset.name}</td>
            <td>
              {r.environment.backend}
              {r.environment.device ? ` (${r.environment.device})` : ''}
            </td>
            <td className="num">{r.timing.examplesPerSecond.toFixed(1)}</td>
            <td className="num">{r.timing.batchLatencyMs.p50.toFixed(1)}</td>
            <td className="num">{r.timing.batchLatencyMs.p95.toFixed(1)}</td>
            <td className="num">{r.timing.batches}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ExportControls({
  disabled,
  hostKind,
  onExport,
}: {
  disabled: boolean;
  hostKind: 'electron' | 'serve';
  onExport: (format: ReportFormat, path: string | null) => Promise<void>;
}) {
  const [format, setFormat] = useState<ReportFormat>('markdown');
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="bench-export" aria-label="Export report">
      <select
        className="select"
        aria-label="Report format"
        value={format}
        onChange={(e) => setFormat(e.target.value as ReportFormat)}
      >
        {(Object.keys(REPORT_FILE) as ReportFormat[]).map((f) => (
          <option key={f} value={f}>
            {REPORT_FILE[f].label}
          </option>
        ))}
      </select>
      {hostKind === 'electron' ? (
        <PathField
          id="bench-report-path"
          label="Save report to"
          hideLabel
          className="bench-export-path"
          purpose="save-file"
          dialogTitle="Save benchmark report"
          filters={[{ name: REPORT_FILE[format].label, extensions: [REPORT_FILE[format].extension] }]}
          placeholder={`/path/to/report.${REPORT_FILE[format].extension}`}
          value={path}
          onChange={setPath}
        />
      ) : null}
      <button
        type="button"
        className="button"
        disabled={disabled || busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          onExport(format, path.trim() || null)
            .catch((e: Error) => setError(e.message))
            .finally(() => setBusy(false));
        }}
      >
        Export report
      </button>
      {error ? <span className="field-error">{error}</span> : null}
    </div>
  );
}
