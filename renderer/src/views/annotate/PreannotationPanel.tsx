/**
 * "Pre-annotate dataset" (state/preannotate.ts): start, progress (n / total, examples per second), cancel.
 * Reads the Annotate store itself, so the view only places it.
 */
import { AnnotateStore } from './store';

export function PreannotationPanel() {
  const model = AnnotateStore.use((s) => s.model);
  const datasetId = AnnotateStore.use((s) => s.datasetId);
  const run = AnnotateStore.use((s) => s.preannotation);
  const store = AnnotateStore.useApi();
  if (model.state === 'none' || !datasetId) return null;
  const mine = run.datasetId === datasetId && run.checkpointId === model.checkpointId;
  const active = run.phase === 'running' || run.phase === 'cancelling';
  const ready = model.state === 'ready' || model.state === 'running';
  return (
    <section className="side-section" aria-label="Pre-annotate dataset" data-testid="preannotation">
      <div className="row">
        {active ? (
          <button
            className="button button-small"
            disabled={run.phase === 'cancelling'}
            onClick={() => void store.getState().cancelPreannotation()}
          >
            {run.phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : (
          <button
            className="button button-small"
            disabled={!ready}
            onClick={() => void store.getState().preannotateDataset()}
            title="Run the model over every example that is not done and has no prediction from it yet, in the background"
          >
            Pre-annotate dataset
          </button>
        )}
      </div>
      {mine && run.phase !== 'idle' && (
        <>
          {run.total > 0 && <progress max={run.total} value={run.done} aria-label="Examples pre-annotated" />}
          <p className="small" data-testid="preannotation-status" data-phase={run.phase}>
            {run.done.toLocaleString()} / {run.total.toLocaleString()} examples
            {run.rate > 0 && ` · ${run.rate.toFixed(1)}/s`}
            {run.skipped > 0 && (
              <span className="muted"> · {run.skipped.toLocaleString()} already predicted</span>
            )}
            {run.phase === 'done' && ' · done'}
            {run.phase === 'cancelled' && ' · cancelled (run again to resume)'}
            {run.phase === 'error' && <span className="error-text"> · {run.message}</span>}
          </p>
        </>
      )}
    </section>
  );
}
