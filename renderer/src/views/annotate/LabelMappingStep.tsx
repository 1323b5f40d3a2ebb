/**
 * The label mapping step (state/labelMapping.ts): shown instead of suggestions while the checkpoint's
 * entity types are not the dataset's labels. One select per model type (a dataset label, or Ignore), exact
 * names pre-filled; "Use this mapping" stores it for this checkpoint and dataset and lets suggestions run.
 * Once set, a one-line summary with "Change" reopens it.
 */
import type { LabelDefinition } from '../../../../shared/ipc';
import type { LabelMappingState } from './store';

export function LabelMappingStep(props: {
  mapping: LabelMappingState;
  labels: LabelDefinition[];
  onTarget(modelType: string, target: string | null): void;
  onConfirm(): void;
  onEdit(): void;
}) {
  const { mapping, labels } = props;
  if (mapping.state === 'checking') return <p className="muted small">Checking the checkpoint’s labels…</p>;
  if (mapping.state === 'error')
    return (
      <p className="small error-text" role="alert">
        Could not read the label mapping: {mapping.message}
      </p>
    );
  if (mapping.state === 'ready') {
    if (!mapping.mapping) return null;
    const summary = mapping.modelTypes.map((t) => `${t} → ${mapping.mapping![t] ?? 'ignored'}`).join(', ');
    return (
      <p className="small muted label-mapping-summary" data-testid="label-mapping-summary">
        Labels mapped: {summary}{' '}
        <button className="button button-small" onClick={props.onEdit}>
          Change
        </button>
      </p>
    );
  }
  if (mapping.state !== 'needed') return null;
  return (
    <form
      className="label-mapping"
      aria-label="Label mapping"
      data-testid="label-mapping"
      onSubmit={(e) => {
        e.preventDefault();
        props.onConfirm();
      }}
    >
      <p className="small">
        This checkpoint tags {mapping.modelTypes.length} entity type
        {mapping.modelTypes.length === 1 ? '' : 's'} that are not all this dataset’s labels. Map each to a
        dataset label, or ignore it: no suggestion is shown until then.
      </p>
      <table className="label-mapping-table">
        <thead>
          <tr>
            <th scope="col">Model label</th>
            <th scope="col">Dataset label</th>
          </tr>
        </thead>
        <tbody>
          {mapping.modelTypes.map((type) => (
            <tr key={type}>
              <th scope="row">{type}</th>
              <td>
                <select
                  className="select"
                  aria-label={`Dataset label for ${type}`}
                  value={mapping.draft[type] ?? ''}
                  onChange={(e) => props.onTarget(type, e.target.value === '' ? null : e.target.value)}
                >
                  <option value="">Ignore</option>
                  {labels.map((l) => (
                    <option key={l.name} value={l.name}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {mapping.problems.length > 0 && (
        <ul className="small error-text" role="alert">
          {mapping.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <button type="submit" className="button button-small button-primary">
        Use this mapping
      </button>
    </form>
  );
}
