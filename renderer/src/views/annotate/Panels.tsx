/** The Annotate view's side panels: label legend, span menu, model suggestions, progress, save state. */
import type { CSSProperties } from 'react';
import type {
  AnnotationSpan,
  CheckpointRecord,
  DatasetStats,
  ExampleView,
  LabelDefinition,
} from '../../../../shared/ipc';
import { OffsetMap } from '../../../../shared/datasets/offsets';
import { hotkeyOf } from './keyboard';
import { spanProvenance } from './spans';
import { lowConfidenceThreshold, type ModelState, type SaveState } from './store';

const swatch = (color: string | undefined) => ({ '--label-color': color ?? '#64748b' }) as CSSProperties;

export function LabelLegend(props: {
  labels: LabelDefinition[];
  hotkeys: Map<string, string>;
  onLabel(label: string): void;
}) {
  if (props.labels.length === 0)
    return <p className="muted small">This dataset has no labels yet: its file had no entities.</p>;
  return (
    <ul className="legend" aria-label="Labels" data-testid="label-legend">
      {[...props.labels]
        .sort((a, b) => a.position - b.position)
        .map((label) => {
          const key = hotkeyOf(props.hotkeys, label.name);
          return (
            <li key={label.name}>
              <button
                className="legend-item"
                style={swatch(label.color)}
                onMouseDown={(e) => e.preventDefault()} // keep the selection and focus in the text
                onClick={() => props.onLabel(label.name)}
                title={`Label the selection ${label.name}${key ? ` (key ${key})` : ''}`}
              >
                <span className="legend-swatch" />
                <span className="legend-name">{label.name}</span>
                {key && <kbd>{key}</kbd>}
              </button>
            </li>
          );
        })}
    </ul>
  );
}

export function SpanMenu(props: {
  example: ExampleView;
  span: AnnotationSpan;
  labels: LabelDefinition[];
  hotkeys: Map<string, string>;
  onRelabel(label: string): void;
  onRemove(): void;
  onClose(): void;
}) {
  const { span } = props;
  const text = new OffsetMap(props.example.text).slice(span.start, span.end);
  return (
    <div className="span-menu" role="menu" aria-label={`Span ${text}`} data-testid="span-menu">
      <div className="span-menu-title">
        <strong>“{text}”</strong> <span className="muted small">{spanProvenance(span)}</span>
      </div>
      <div className="span-menu-actions">
        {props.labels
          .filter((l) => l.name !== span.label)
          .map((label) => {
            const key = hotkeyOf(props.hotkeys, label.name);
            return (
              <button
                key={label.name}
                role="menuitem"
                className="button button-small legend-item"
                style={swatch(label.color)}
                onClick={() => props.onRelabel(label.name)}
              >
                <span className="legend-swatch" /> {label.name} {key && <kbd>{key}</kbd>}
              </button>
            );
          })}
        <button role="menuitem" className="button button-small button-danger" onClick={props.onRemove}>
          Remove <kbd>Del</kbd>
        </button>
        <button role="menuitem" className="button button-small" onClick={props.onClose}>
          Close <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}

export function ModelPanel(props: {
  checkpoints: CheckpointRecord[];
  model: ModelState;
  example: ExampleView | null;
  colors: Map<string, string>;
  autoPreannotate: boolean;
  onPick(checkpointId: string): void;
  onAuto(on: boolean): void;
  onPreannotate(): void;
  onAccept(spanIds?: number[]): void;
  onReject(spanIds?: number[]): void;
}) {
  const { model, example } = props;
  const picked = model.state === 'none' ? '' : model.checkpointId;
  const suggestions = example?.modelSpans ?? [];
  const map = example ? new OffsetMap(example.text) : null;
  return (
    <section className="side-section" aria-label="Model in the loop" data-testid="model-panel">
      <h3>Model</h3>
      {props.checkpoints.length === 0 ? (
        <p className="muted small">Import a NezhaForTokenClassification checkpoint to get suggestions.</p>
      ) : (
        <select
          className="select"
          aria-label="Token-classification checkpoint"
          value={picked}
          onChange={(e) => props.onPick(e.target.value)}
        >
          <option value="">No model</option>
          {props.checkpoints.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.labels
                ? ` (${[...new Set(c.labels.map((l) => l.replace(/^[BIESM]-/, '')))].filter((l) => l !== 'O').join(', ')})`
                : ''}
            </option>
          ))}
        </select>
      )}
      <p className="small model-status" data-testid="model-status" data-state={model.state}>
        {model.state === 'none' && <span className="muted">Pick a checkpoint to pre-annotate.</span>}
        {model.state === 'loading' && model.message}
        {model.state === 'ready' && 'Ready'}
        {model.state === 'running' && 'Pre-annotating…'}
        {model.state === 'error' && <span className="error-text">Model failed: {model.message}</span>}
      </p>
      {model.state !== 'none' && (
        <div className="row">
          <label className="check small">
            <input
              type="checkbox"
              checked={props.autoPreannotate}
              onChange={(e) => props.onAuto(e.target.checked)}
            />
            Pre-annotate this and the next example
          </label>
          <button
            className="button button-small"
            disabled={model.state !== 'ready' || !example}
            onClick={props.onPreannotate}
            title="Run the model on this example again: the suggestions you rejected on it come back"
          >
            Run now
          </button>
        </div>
      )}
      {suggestions.length > 0 && map && (
        <>
          <ul className="suggestions" data-testid="suggestions">
            {suggestions.map((s) => (
              <li key={s.id} style={swatch(props.colors.get(s.label))}>
                <span className="legend-swatch dashed" />
                <span className="suggestion-text">{map.slice(s.start, s.end)}</span>
                <span className="muted small">
                  {s.label}{' '}
                  {s.score !== null && (
                    <span className={s.score < lowConfidenceThreshold ? 'low' : ''}>
                      {s.score.toFixed(2)}
                    </span>
                  )}
                </span>
                <button
                  className="button button-small"
                  onClick={() => props.onAccept([s.id])}
                  aria-label={`Accept ${s.label} ${map.slice(s.start, s.end)}`}
                >
                  ✓
                </button>
                <button
                  className="button button-small"
                  onClick={() => props.onReject([s.id])}
                  aria-label={`Reject ${s.label} ${map.slice(s.start, s.end)}`}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <div className="row">
            <button className="button button-small button-primary" onClick={() => props.onAccept()}>
              Accept all <kbd>⇧↵</kbd>
            </button>
            <button className="button button-small" onClick={() => props.onReject()}>
              Reject all
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function ProgressPanel({
  stats,
  colors,
}: {
  stats: DatasetStats | null;
  colors: Map<string, string>;
}) {
  if (!stats) return null;
  const percent = stats.total ? (100 * stats.done) / stats.total : 0;
  return (
    <section className="side-section" aria-label="Progress" data-testid="progress-panel">
      <h3>Progress</h3>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={stats.total}
        aria-valuenow={stats.done}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="small" data-testid="progress-done">
        {stats.done.toLocaleString()} / {stats.total.toLocaleString()} done
        <span className="muted">
          {' '}
          · {stats.inProgress.toLocaleString()} in progress · {stats.unannotated.toLocaleString()} untouched
        </span>
      </p>
      {stats.labels.length > 0 && (
        <table className="label-counts small">
          <thead>
            <tr>
              <th>Label</th>
              <th className="num">Spans</th>
              <th className="num">Suggested</th>
            </tr>
          </thead>
          <tbody>
            {stats.labels.map((row) => (
              <tr key={row.label} style={swatch(colors.get(row.label))}>
                <td>
                  <span className="legend-swatch" /> {row.label}
                </td>
                <td className="num">{row.spans.toLocaleString()}</td>
                <td className="num">{row.modelSpans.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function SaveIndicator({ save }: { save: SaveState }) {
  const text =
    save.state === 'saved'
      ? 'Saved'
      : save.state === 'saving'
        ? 'Saving…'
        : save.state === 'error'
          ? 'Not saved'
          : '';
  return (
    <span
      className={`save-indicator save-${save.state}`}
      data-testid="save-indicator"
      data-state={save.state}
      role="status"
      title={save.state === 'error' ? save.message : undefined}
    >
      {text}
    </span>
  );
}
