/**
 * One cell's details: every metric with its interval, throughput and batch latency with the backend and
 * device, per-class / per-entity-type scores (table and chart, every checkpoint of the column side by side),
 * the confusion matrix as a heat map, the error browser and the examples where two checkpoints disagree.
 */
import { useMemo, useState } from 'react';
import { HEADLINE_METRIC } from '../../../../shared/benchmark/score';
import type { ConfusionCounts, MetricResult } from '../../../../shared/metrics/types';
import type { CheckpointRecord, DatasetRecord } from '../../../../shared/ipc';
import { disagreementIndices, errorIndices, nerTypeConfusion } from './analysis';
import { GroupedBarChart, type SeriesChartRow } from './charts';
import { EvaluatedExample } from './ExampleView';
import { formatInterval, formatScore, METRIC_NAMES } from './format';
import { BenchmarkStore, cellKey, type CellState } from './store';

const PAGE = 25;

function ConfusionHeatMap({ confusion, caption }: { confusion: ConfusionCounts; caption: string }) {
  const max = Math.max(1, ...confusion.counts.flat());
  return (
    <div className="bench-heatmap-wrap">
      <table className="bench-heatmap" data-testid="confusion-matrix">
        <caption className="small muted">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="small muted">
              gold ↓ / predicted →
            </th>
            {confusion.labels.map((l) => (
              <th scope="col" key={l}>
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {confusion.labels.map((gold, i) => (
            <tr key={gold}>
              <th scope="row">{gold}</th>
              {confusion.counts[i].map((count, j) => {
                const share = Math.round((100 * count) / max);
                return (
                  <td
                    key={j}
                    className={i === j ? 'bench-diagonal' : undefined}
                    style={{
                      background: `color-mix(in srgb, var(--accent) ${share}%, var(--bg-elevated))`,
                      color: share > 55 ? 'var(--accent-text)' : 'var(--text)',
                    }}
                    title={`gold ${gold}, predicted ${confusion.labels[j]}: ${count}`}
                  >
                    {count}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MetricsTable({ metrics }: { metrics: MetricResult[] }) {
  return (
    <table className="bench-table" data-testid="metrics-table">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Value</th>
          <th>95 % CI</th>
          <th>n</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.metric}>
            <td>{METRIC_NAMES[m.metric] ?? m.metric}</td>
            <td className="num">{formatScore(m)}</td>
            <td className="num">{formatInterval(m)}</td>
            <td className="num">{m.n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BenchmarkDetails({
  cellId,
  checkpoints,
  datasets,
}: {
  cellId: string;
  checkpoints: CheckpointRecord[];
  datasets: DatasetRecord[];
}) {
  const cells = BenchmarkStore.use((s) => s.cells);
  const examples = BenchmarkStore.use((s) => s.examples);
  const openDetails = BenchmarkStore.use((s) => s.openDetails);
  const cell = cells[cellId];
  const checkpoint = checkpoints.find((c) => c.id === cell?.checkpointId);
  const datasetRecord = datasets.find((d) => d.id === cell?.datasetId);
  const dataset = cell ? examples[cell.datasetId] : undefined;
  const [errorPage, setErrorPage] = useState(0);
  const others = useMemo(
    () =>
      checkpoints
        .filter((c) => c.id !== cell?.checkpointId)
        .map((c) => ({ checkpoint: c, cell: cells[cellKey(c.id, cell?.datasetId ?? '')] }))
        .filter((o): o is { checkpoint: CheckpointRecord; cell: CellState } =>
          Boolean(o.cell?.status === 'finished' && o.cell.predictions),
        ),
    [checkpoints, cells, cell],
  );
  const [otherId, setOtherId] = useState<string | null>(null);
  const other = others.find((o) => o.checkpoint.id === otherId) ?? others[0];

  if (
    !cell ||
    cell.status !== 'finished' ||
    !cell.record ||
    !cell.predictions ||
    !checkpoint ||
    !datasetRecord
  )
    return null;
  if (!dataset) return <p className="muted">Reading the dataset’s examples…</p>;
  if ('error' in dataset) {
    return <p className="callout callout-error">{dataset.error}; check the selection again.</p>;
  }
  const { record, predictions } = cell;
  const data = dataset;
  const task = record.dataset.task;
  const headline = record.metrics.find((m) => m.metric === HEADLINE_METRIC[task]);
  const perClassMetric = record.metrics.find((m) => m.perClass && m.perClass.length > 0);
  const confusion =
    task === 'ner' ? nerTypeConfusion(predictions) : record.metrics.find((m) => m.confusion)?.confusion;
  const errors = errorIndices(predictions);
  const errorSlice = errors.slice(errorPage * PAGE, (errorPage + 1) * PAGE);

  // Per-class F1 of every finished checkpoint in this column, side by side.
  const columnRuns = [{ checkpoint, cell }, ...others];
  const classLabels = perClassMetric?.perClass?.map((p) => p.label) ?? [];
  const classRows: SeriesChartRow[] = classLabels.map((label) => {
    const row: SeriesChartRow = { name: label };
    for (const run of columnRuns) {
      const metric = run.cell.record?.metrics.find((m) => m.metric === perClassMetric?.metric);
      const score = metric?.perClass?.find((p) => p.label === label);
      row[run.checkpoint.name] = score ? 100 * score.f1 : 0;
    }
    return row;
  });
  const disagreements = other ? disagreementIndices(predictions, other.cell.predictions!) : [];
  const t = record.timing;

  return (
    <section
      className="panel bench-panel bench-details"
      data-testid="benchmark-details"
      aria-label="Run details"
    >
      <header className="bench-details-header">
        <div>
          <h2>
            {checkpoint.name} on {datasetRecord.name}
          </h2>
          <p className="small muted">
            {record.dataset.evaluated} examples · {record.checkpoint.className} · weights{' '}
            <span className="mono">{record.checkpoint.sha256.slice(0, 12)}</span> · data{' '}
            <span className="mono">{record.dataset.sha256.slice(0, 12)}</span>
            {headline
              ? ` · ${METRIC_NAMES[headline.metric]} ${formatScore(headline)} ${formatInterval(headline)}`
              : ''}
          </p>
        </div>
        <button type="button" className="button button-small" onClick={() => openDetails(null)}>
          Close details
        </button>
      </header>

      <div className="bench-details-grid">
        <div>
          <h3>
            Metrics <span className="small muted">(× 100; CMRC 2018 already in points)</span>
          </h3>
          <MetricsTable metrics={record.metrics} />
        </div>
        <div>
          <h3>Throughput and latency</h3>
          <table className="bench-table" data-testid="timing-table">
            <tbody>
              <tr>
                <th scope="row">Backend</th>
                <td>
                  {record.environment.backend}
                  {record.environment.device ? ` (${record.environment.device})` : ''}
                </td>
              </tr>
              <tr>
                <th scope="row">Examples / s</th>
                <td className="num">{t.examplesPerSecond.toFixed(1)}</td>
              </tr>
              <tr>
                <th scope="row">Batch latency p50 / p95</th>
                <td className="num">
                  {t.batchLatencyMs.p50.toFixed(1)} / {t.batchLatencyMs.p95.toFixed(1)} ms
                </td>
              </tr>
              <tr>
                <th scope="row">Batch latency mean / max</th>
                <td className="num">
                  {t.batchLatencyMs.mean.toFixed(1)} / {t.batchLatencyMs.max.toFixed(1)} ms
                </td>
              </tr>
              <tr>
                <th scope="row">Predicted / resumed</th>
                <td className="num">
                  {t.examples} in {t.batches} batches / {record.resumed}
                </td>
              </tr>
            </tbody>
          </table>
          {record.notes.length > 0 ? (
            <ul className="small muted bench-notes">
              {record.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>

      {perClassMetric?.perClass ? (
        <div>
          <h3>
            {task === 'ner' ? 'Per entity type' : 'Per class'} <span className="small muted">(× 100)</span>
          </h3>
          <table className="bench-table" data-testid="per-class-table">
            <thead>
              <tr>
                <th>{task === 'ner' ? 'Type' : 'Class'}</th>
                <th>Precision</th>
                <th>Recall</th>
                <th>F1</th>
                <th>Support</th>
                <th>Predicted</th>
              </tr>
            </thead>
            <tbody>
              {perClassMetric.perClass.map((p) => (
                <tr key={p.label}>
                  <td>{p.label}</td>
                  <td className="num">{(100 * p.precision).toFixed(1)}</td>
                  <td className="num">{(100 * p.recall).toFixed(1)}</td>
                  <td className="num">{(100 * p.f1).toFixed(1)}</td>
                  <td className="num">{p.support}</td>
                  <td className="num">{p.predicted}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <GroupedBarChart
            rows={classRows}
            series={columnRuns.map((r) => r.checkpoint.name)}
            unit=""
            errorBars={false}
            domain={[0, 100]}
            label={`F1 × 100 per ${task === 'ner' ? 'entity type' : 'class'}, every finished checkpoint on ${datasetRecord.name}`}
          />
        </div>
      ) : null}

      {confusion && confusion.labels.length > 0 ? (
        <div>
          <h3>Confusion matrix</h3>
          <ConfusionHeatMap
            confusion={confusion}
            caption={
              task === 'ner'
                ? 'Entities by type with exact boundaries; ∅ column: gold entity not found, ∅ row: predicted entity with no gold entity at those boundaries.'
                : 'Examples by gold label (rows) and predicted label (columns).'
            }
          />
        </div>
      ) : null}

      <div>
        <h3>
          Errors{' '}
          <span className="muted small">
            ({errors.length} of {predictions.length} examples wrong)
          </span>
        </h3>
        <ol className="bench-examples" data-testid="error-browser">
          {errorSlice.map((index) => (
            <EvaluatedExample
              key={index}
              data={data}
              gold={predictions[index]}
              predictions={[{ name: 'predicted', prediction: predictions[index] }]}
            />
          ))}
        </ol>
        {errors.length > PAGE ? (
          <div className="bench-pager">
            <button
              type="button"
              className="button button-small"
              disabled={errorPage === 0}
              onClick={() => setErrorPage(errorPage - 1)}
            >
              Previous
            </button>
            <span className="small muted">
              {errorPage * PAGE + 1}–{Math.min(errors.length, (errorPage + 1) * PAGE)} of {errors.length}
            </span>
            <button
              type="button"
              className="button button-small"
              disabled={(errorPage + 1) * PAGE >= errors.length}
              onClick={() => setErrorPage(errorPage + 1)}
            >
              Next
            </button>
          </div>
        ) : null}
      </div>

      <div>
        <h3>Where two checkpoints disagree</h3>
        {other ? (
          <>
            <label className="field bench-inline-field">
              <span>Compare with</span>
              <select
                className="select"
                value={other.checkpoint.id}
                onChange={(e) => setOtherId(e.target.value)}
                aria-label="Compare with"
              >
                {others.map((o) => (
                  <option key={o.checkpoint.id} value={o.checkpoint.id}>
                    {o.checkpoint.name}
                  </option>
                ))}
              </select>
            </label>
            <p className="small muted" data-testid="disagreement-count">
              {disagreements.length} of {predictions.length} examples predicted differently
            </p>
            <ol className="bench-examples" data-testid="disagreements">
              {disagreements.slice(0, PAGE).map((index) => (
                <EvaluatedExample
                  key={index}
                  data={data}
                  gold={predictions[index]}
                  predictions={[
                    { name: checkpoint.name, prediction: predictions[index] },
                    { name: other.checkpoint.name, prediction: other.cell.predictions![index] },
                  ]}
                />
              ))}
            </ol>
          </>
        ) : (
          <p className="small muted">Run another checkpoint on this dataset to compare predictions.</p>
        )}
      </div>
    </section>
  );
}
