/**
 * The comparison grid: rows checkpoints, columns datasets, cells the headline metric ± half its bootstrap
 * interval. The best run of each column is marked; a run significantly worse than it (paired test, p < 0.05)
 * is marked too, with the test and the p-value in the tooltip. Running cells show examples/s and the ETA;
 * refused pairs say why. A click opens the cell's details.
 */
import { useEffect, useMemo, useState } from 'react';
import { headlineMetric, HEADLINE_METRIC } from '../../../../shared/benchmark/score';
import type { PairedComparison } from '../../../../shared/metrics/types';
import type { CheckpointRecord, DatasetRecord, TrainedOn } from '../../../../shared/ipc';
import { useServices } from '../../state/services';
import { compareColumn, type ColumnComparison } from './analysis';
import { comparisonText, formatEta, formatScore, halfInterval, METRIC_NAMES } from './format';
import { BENCHMARK_TASK_NAMES, BenchmarkStore, cellKey, headlineValue, type CellState } from './store';
import { trainingOverlap } from './trainingOverlap';

export const SIGNIFICANCE_LEVEL = 0.05;

export function useColumnComparisons(
  checkpoints: CheckpointRecord[],
  datasets: DatasetRecord[],
  cells: Record<string, CellState>,
): Map<string, ColumnComparison & { error?: string }> {
  return useMemo(() => {
    const out = new Map<string, ColumnComparison & { error?: string }>();
    for (const d of datasets) {
      const runs = checkpoints.flatMap((c) => {
        const cell = cells[cellKey(c.id, d.id)];
        if (cell?.status !== 'finished' || !cell.predictions || !cell.record) return [];
        return [{ key: c.id, value: headlineValue(cell), predictions: cell.predictions }];
      });
      const task = runs.length ? cells[cellKey(runs[0].key, d.id)].record!.dataset.task : null;
      if (!task) continue;
      try {
        out.set(d.id, compareColumn(task, runs));
      } catch (error) {
        out.set(d.id, { best: null, versusBest: new Map(), error: (error as Error).message });
      }
    }
    return out;
  }, [checkpoints, datasets, cells]);
}

function CellContent({
  cell,
  comparison,
  isBest,
  bestName,
  multiple,
}: {
  cell: CellState | undefined;
  comparison: PairedComparison | undefined;
  isBest: boolean;
  bestName: string;
  multiple: boolean;
}) {
  if (!cell) return <span className="muted">—</span>;
  switch (cell.status) {
    case 'checking':
      return <span className="muted">checking…</span>;
    case 'refused':
      return (
        <span className="bench-refused" title={cell.reasons.join('\n')}>
          refused: {cell.reasons[0]}
          {cell.reasons.length > 1 ? ` (+${cell.reasons.length - 1} more)` : ''}
        </span>
      );
    case 'ready':
      return <span className="muted">ready</span>;
    case 'queued':
      return <span className="muted">queued</span>;
    case 'running':
    case 'cancelled':
    case 'failed': {
      const p = cell.progress;
      const done = p?.done ?? cell.storedDone ?? 0;
      const total = p?.total ?? null;
      return (
        <span className="bench-progress" data-testid="cell-progress">
          <span>
            {cell.status === 'running' ? 'running' : cell.status}
            {total ? ` · ${done}/${total}` : cell.storedDone !== undefined ? ` · ${done} stored` : ''}
          </span>
          {total ? <progress max={total} value={done} aria-label="Examples predicted" /> : null}
          {cell.status === 'running' && p ? (
            <span className="small muted">
              {p.examplesPerSecond > 0
                ? `${p.examplesPerSecond.toFixed(1)} ex/s · ETA ${formatEta(p.etaSeconds)}`
                : 'starting…'}
              {p.resumed > 0 ? ` · ${p.resumed} resumed` : ''}
            </span>
          ) : null}
          {cell.status === 'failed' ? <span className="bench-refused small">{cell.reasons[0]}</span> : null}
        </span>
      );
    }
    case 'finished': {
      const record = cell.record;
      const metric = record ? headlineMetric(record.dataset.task, record.metrics) : undefined;
      if (!metric) return <span className="muted">finished (no headline metric)</span>;
      const significant = comparison !== undefined && comparison.pValue < SIGNIFICANCE_LEVEL;
      return (
        <span className="bench-score" title={comparison ? comparisonText(comparison, bestName) : undefined}>
          <span className="bench-value">
            {formatScore(metric)}
            <span className="bench-ci"> ± {halfInterval(metric).toFixed(1)}</span>
          </span>
          {isBest && multiple ? (
            <span className="bench-mark bench-best" data-testid="best-mark" title="Best in this column">
              ★ best
            </span>
          ) : null}
          {significant ? (
            <span className="bench-mark bench-worse" data-testid="significance-mark">
              ▼ {comparison.pValue < 0.001 ? 'p<0.001' : `p=${comparison.pValue.toFixed(3)}`}
            </span>
          ) : comparison ? (
            <span className="bench-mark bench-ns" data-testid="not-significant-mark">
              n.s. (p={comparison.pValue.toFixed(2)})
            </span>
          ) : null}
        </span>
      );
    }
  }
}

/** What each checkpoint was trained on (checkpoints.trainedOn), fetched when the rows change. */
function useTrainedOn(checkpoints: CheckpointRecord[]): Record<string, TrainedOn | null> {
  const { api } = useServices();
  const [trainedOn, setTrainedOn] = useState<Record<string, TrainedOn | null>>({});
  const ids = checkpoints.map((c) => c.id).join('\u0000');
  useEffect(() => {
    if (!ids) return;
    let live = true;
    api.checkpoints
      .trainedOn({ ids: ids.split('\u0000') })
      .then((answer) => live && setTrainedOn(answer))
      .catch(() => undefined); // toasted by the client; the grid just shows no warning
    return () => {
      live = false;
    };
  }, [api, ids]);
  return trainedOn;
}

export function BenchmarkGrid({
  checkpoints,
  datasets,
  comparisons,
}: {
  checkpoints: CheckpointRecord[];
  datasets: DatasetRecord[];
  comparisons: Map<string, ColumnComparison & { error?: string }>;
}) {
  const cells = BenchmarkStore.use((s) => s.cells);
  const detailsKey = BenchmarkStore.use((s) => s.detailsKey);
  const openDetails = BenchmarkStore.use((s) => s.openDetails);
  const loaded = BenchmarkStore.use((s) => s.datasets);
  const trainedOn = useTrainedOn(checkpoints);
  const overlapOf = (c: CheckpointRecord, d: DatasetRecord) => {
    const prepared = loaded[d.id];
    const sha256 = prepared && !('error' in prepared) ? prepared.prepared.sha256 : null;
    return trainingOverlap(trainedOn[c.id], { id: d.id, name: d.name, sha256 });
  };
  const overlaps = checkpoints.flatMap((c) =>
    datasets.flatMap((d) => {
      const why = overlapOf(c, d);
      return why ? [{ checkpoint: c.name, dataset: d.name, why }] : [];
    }),
  );
  const nameOf = (id: string | null) => checkpoints.find((c) => c.id === id)?.name ?? '';
  return (
    <div className="bench-grid-wrap">
      <table className="bench-grid" data-testid="benchmark-grid">
        <thead>
          <tr>
            <th scope="col">Checkpoint</th>
            {datasets.map((d) => (
              <th scope="col" key={d.id}>
                <div>{d.name}</div>
                <div className="small muted">
                  {BENCHMARK_TASK_NAMES[d.task as keyof typeof BENCHMARK_TASK_NAMES] ?? d.task} ·{' '}
                  {METRIC_NAMES[HEADLINE_METRIC[d.task as keyof typeof HEADLINE_METRIC]] ?? ''} ·{' '}
                  {d.exampleCount} ex.
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {checkpoints.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              {datasets.map((d) => {
                const key = cellKey(c.id, d.id);
                const cell = cells[key];
                const column = comparisons.get(d.id);
                const finished = cell?.status === 'finished';
                const overlap = overlapOf(c, d);
                return (
                  <td
                    key={d.id}
                    data-testid="benchmark-cell"
                    data-checkpoint={c.name}
                    data-dataset={d.name}
                    data-status={cell?.status ?? 'none'}
                    data-trained-on={overlap ? 'true' : undefined}
                    className={`bench-cell bench-${cell?.status ?? 'none'}${column?.best === c.id ? ' bench-cell-best' : ''}${detailsKey === key ? ' bench-cell-open' : ''}`}
                  >
                    {finished ? (
                      <button
                        type="button"
                        className="bench-cell-button"
                        onClick={() => openDetails(key)}
                        aria-label={`Details of ${c.name} on ${d.name}`}
                      >
                        <CellContent
                          cell={cell}
                          comparison={column?.versusBest.get(c.id)}
                          isBest={column?.best === c.id}
                          bestName={nameOf(column?.best ?? null)}
                          multiple={checkpoints.length > 1}
                        />
                      </button>
                    ) : (
                      <CellContent
                        cell={cell}
                        comparison={undefined}
                        isBest={false}
                        bestName=""
                        multiple={false}
                      />
                    )}
                    {overlap ? (
                      <span
                        className="bench-mark bench-trained-on"
                        data-testid="trained-on-mark"
                        title={overlap}
                      >
                        ⚠ trained on this data
                      </span>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {overlaps.length > 0 && (
        <div className="callout bench-overlap" role="alert" data-testid="training-overlap-warning">
          {overlaps.map((o) => (
            <p key={`${o.checkpoint}\u0000${o.dataset}`} className="small">
              <strong>
                {o.checkpoint} on {o.dataset}:
              </strong>{' '}
              {o.why}
            </p>
          ))}
        </div>
      )}
      <p className="small muted">
        Scores × 100 (CMRC 2018 F1 in points); ± is half the width of the 95 % percentile-bootstrap interval
        over examples. ★ best in its column; ▼ significantly worse than the column’s best (paired test, p &lt;{' '}
        {SIGNIFICANCE_LEVEL}: McNemar for accuracy, paired bootstrap for F1 / EM); hover for Δ and the
        p-value.
        {[...comparisons.values()].some((c) => c.error)
          ? ` Some columns could not be compared: ${[...comparisons.values()]
              .filter((c) => c.error)
              .map((c) => c.error)
              .join('; ')}`
          : ''}
      </p>
    </div>
  );
}
