/**
 * Annotate's "Update the model from my annotations" panel (issue 12): the settings of an update, its
 * progress and Cancel, and the learning curve of the checkpoint in the loop — held-out entity F1 per
 * version, version 0 being the base checkpoint scored on the same slice (recharts, as Prodigy's
 * train-curve shows it), with a table of the figures and each version's change over its parent.
 */
import { useEffect } from 'react';
import {
  CartesianGrid,
  ErrorBar,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LearningCurve } from '../../../../shared/ipc';
import { LibraryStore } from '../../state/library';
import { autoLearningRate, heldOutFraction, type UpdateOptions } from './modelUpdate';
import { AnnotateStore } from './store';
import { updateRunning } from './state/updateTypes';
import './update.css';

const optionFields: { key: keyof UpdateOptions; label: string; step: string; min: number }[] = [
  { key: 'epochs', label: 'Epochs', step: '1', min: 1 },
  { key: 'maxSteps', label: 'Max steps (0 = epochs)', step: '1', min: 0 },
  { key: 'learningRate', label: 'Learning rate', step: 'any', min: 0 },
  { key: 'batchSize', label: 'Batch size', step: '1', min: 1 },
  { key: 'maxLength', label: 'Max sequence length', step: '1', min: 8 },
];

const pct = (value: number) => `${(100 * value).toFixed(1)}`;

function cssColor(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function UpdatePanel() {
  const store = AnnotateStore.useApi();
  const model = AnnotateStore.use((s) => s.model);
  const update = AnnotateStore.use((s) => s.update);
  const options = AnnotateStore.use((s) => s.updateOptions);
  const curve = AnnotateStore.use((s) => s.curve);
  const done = AnnotateStore.use((s) => s.stats?.done ?? 0);
  const refreshCheckpoints = LibraryStore.use((s) => s.refreshCheckpoints);
  const checkpoints = LibraryStore.use((s) => s.checkpoints);
  const checkpointId = model.state === 'none' ? null : model.checkpointId;
  const running = updateRunning(update.phase);

  useEffect(() => {
    void store.getState().loadCurve();
  }, [store, checkpointId]);
  // A new version is in the library: the model list must offer it (it is the one picked now).
  useEffect(() => {
    if (update.result) void refreshCheckpoints();
  }, [update.result, refreshCheckpoints]);

  if (model.state === 'none') return null;
  const ready = model.state === 'ready' || model.state === 'running';
  const blocked = !ready
    ? 'Wait until the model is loaded.'
    : done < 2
      ? `Mark at least 2 examples done (${done} now): one to learn from, one to score on.`
      : null;
  const hiddenSize = checkpoints.find((c) => c.id === checkpointId)?.hiddenSize;
  const heldOut = done >= 2 ? Math.max(1, Math.round(done * heldOutFraction)) : 0;

  return (
    <section className="side-section update-panel" aria-label="Update the model" data-testid="update-panel">
      <h3>Update the model</h3>
      <p className="small muted">
        Fine-tune the model in the loop on the {done.toLocaleString()} done example{done === 1 ? '' : 's'}{' '}
        (about {heldOut} held out to score it, the same ones every time) and publish it as the next version.
      </p>
      <details className="update-options">
        <summary className="small">Training settings</summary>
        <div className="update-fields">
          {optionFields.map((field) => (
            <div className="field" key={field.key}>
              <label htmlFor={`update-${field.key}`}>{field.label}</label>
              <input
                id={`update-${field.key}`}
                className="input"
                type="number"
                min={field.min}
                step={field.step}
                value={options[field.key] ?? ''}
                placeholder={
                  field.key === 'learningRate' && hiddenSize !== undefined
                    ? `auto ${autoLearningRate(hiddenSize).toExponential(0)}`
                    : undefined
                }
                disabled={running}
                onChange={(e) => {
                  const text = e.target.value.trim();
                  // An emptied learning rate goes back to the automatic one.
                  if (text === '' && field.key === 'learningRate')
                    return store.getState().setUpdateOptions({ learningRate: null });
                  const value = Number(text);
                  if (text !== '' && Number.isFinite(value) && value >= field.min)
                    store.getState().setUpdateOptions({ [field.key]: value });
                }}
              />
            </div>
          ))}
        </div>
      </details>
      <div className="row">
        <button
          className="button button-small button-primary"
          data-testid="update-start"
          disabled={running || blocked !== null}
          title={blocked ?? undefined}
          onClick={() => void store.getState().updateModel()}
        >
          Update the model from my annotations
        </button>
        {running && (
          <button
            className="button button-small"
            data-testid="update-cancel"
            disabled={update.phase === 'cancelling'}
            onClick={() => void store.getState().cancelUpdate()}
          >
            Cancel
          </button>
        )}
      </div>
      {blocked && !running && <p className="small muted">{blocked}</p>}
      {update.phase !== 'idle' && (
        <div className="update-status" data-testid="update-status" data-phase={update.phase}>
          {running && (
            <div
              className="progress"
              role="progressbar"
              aria-label="Update progress"
              aria-valuemin={0}
              aria-valuemax={update.total ?? undefined}
              aria-valuenow={update.total ? update.done : undefined}
            >
              <div
                className="progress-fill"
                style={{ width: update.total ? `${(100 * update.done) / update.total}%` : '4%' }}
              />
            </div>
          )}
          <p
            className={`small ${update.phase === 'failed' ? 'error-text' : ''}`}
            data-testid="update-message"
            role={update.phase === 'failed' ? 'alert' : undefined}
          >
            {update.phase === 'failed' ? `Update failed: ${update.message}` : update.message}
          </p>
        </div>
      )}
      {curve && curve.points.length > 0 && <LearningCurveChart curve={curve} />}
    </section>
  );
}

export function LearningCurveChart({ curve }: { curve: LearningCurve }) {
  const grid = cssColor('--border', '#dfe2e7');
  const text = cssColor('--text-muted', '#616a76');
  const line = cssColor('--chart-1', '#c2410c');
  const data = curve.points.map((p) => ({
    version: `v${p.version}`,
    f1: p.score ? 100 * p.score.f1 : null,
    // recharts' ErrorBar takes [below, above] distances from the point.
    ci: p.score ? [100 * (p.score.f1 - p.score.ci[0]), 100 * (p.score.ci[1] - p.score.f1)] : [0, 0],
  }));
  return (
    <div
      className="update-curve"
      data-testid="update-curve"
      data-points={curve.points.length}
      aria-label="Learning curve"
    >
      <h4 className="small">Learning curve · held-out entity F1 (%)</h4>
      <ResponsiveContainer width="100%" height={150}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -18 }}>
          <CartesianGrid stroke={grid} strokeDasharray="3 3" />
          <XAxis dataKey="version" stroke={text} fontSize={11} />
          <YAxis stroke={text} fontSize={11} domain={[0, 100]} width={48} />
          <Tooltip formatter={(value) => (typeof value === 'number' ? value.toFixed(1) : String(value))} />
          <Line
            type="linear"
            dataKey="f1"
            name="entity F1"
            stroke={line}
            strokeWidth={2}
            isAnimationActive={false}
            connectNulls
          >
            <ErrorBar dataKey="ci" width={4} stroke={text} direction="y" />
          </Line>
        </LineChart>
      </ResponsiveContainer>
      <table className="label-counts small update-table">
        <thead>
          <tr>
            <th>Version</th>
            <th
              className="num"
              title="Entity F1 on the held-out slice, its 95% bootstrap interval and the held-out examples (n)"
            >
              F1 (95% CI)
            </th>
            <th className="num" title="Change over the version before, scored on the same held-out slice">
              Δ
            </th>
          </tr>
        </thead>
        <tbody>
          {curve.points.map((p) => {
            const delta = p.score && p.parentScore ? p.score.f1 - p.parentScore.f1 : null;
            return (
              <tr
                key={`${p.version}-${p.checkpointId}`}
                title={`${p.checkpointName}${p.datasetName ? ` · ${p.datasetName}` : ''}`}
                aria-current={p.checkpointId === curve.checkpointId ? 'true' : undefined}
              >
                <td>
                  v{p.version}
                  <span className="update-ci">
                    {p.version === 0 ? 'base' : `trained on ${p.trainExamples}`}
                  </span>
                </td>
                <td className="num">
                  {p.score ? (
                    <>
                      {pct(p.score.f1)}
                      <span className="update-ci">
                        {pct(p.score.ci[0])}–{pct(p.score.ci[1])}, n={p.score.examples}
                      </span>
                    </>
                  ) : (
                    'not scored'
                  )}
                </td>
                <td className="num">
                  {delta === null ? '–' : `${delta >= 0 ? '+' : '−'}${pct(Math.abs(delta))}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
