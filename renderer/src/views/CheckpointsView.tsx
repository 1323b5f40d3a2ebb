import { useEffect, useState, type FormEvent } from 'react';
import type { CheckpointRecord } from '../../../shared/ipc';
import { CheckpointIcon } from '../components/icons';
import { PathField } from '../components/PathField';
import { describeArchitecture, formatBytes, formatDateTime } from '../lib/format';
import { LibraryStore } from '../state/library';
import { useRouter } from '../state/router';
import { useServices } from '../state/services';
import { ExportOnnxForm } from './checkpoints/ExportOnnxForm';

export function CheckpointsView() {
  const { api } = useServices();
  const { checkpoints, checkpointsState, checkpointsError, refreshCheckpoints } = LibraryStore.use();
  const selectedId = useRouter((s) => s.route.params[0]);
  const navigate = useRouter((s) => s.navigate);

  useEffect(() => {
    void refreshCheckpoints();
  }, [api, refreshCheckpoints]);

  const selected = checkpoints.find((c) => c.id === selectedId) ?? null;
  // With nothing picked, show the first checkpoint so the details pane is never blank.
  const shown = selected ?? (selectedId ? null : (checkpoints[0] ?? null));

  return (
    <div className="view" data-testid="view-checkpoints">
      <header className="view-header">
        <div>
          <h1>Checkpoints</h1>
          <p className="muted">
            NEZHA checkpoints in your library: Hugging Face folders (config.json, vocab.txt and
            model.safetensors or pytorch_model.bin), loaded on demand by the inference worker.
          </p>
        </div>
      </header>

      <ImportForm onImported={(record) => navigate('checkpoints', record.id)} />

      {checkpointsState === 'error' && (
        <div className="callout callout-error" role="alert">
          Could not list checkpoints: {checkpointsError}{' '}
          <button className="button button-small" onClick={() => void refreshCheckpoints()}>
            Retry
          </button>
        </div>
      )}

      <div className="split">
        <section className="panel list-panel" aria-label="Checkpoint list">
          {checkpointsState === 'loading' && checkpoints.length === 0 && (
            <p className="muted pad">Loading…</p>
          )}
          {checkpointsState === 'ready' && checkpoints.length === 0 && (
            <p className="muted pad">No checkpoints yet. Import a folder above.</p>
          )}
          <ul className="item-list" data-testid="checkpoint-list">
            {checkpoints.map((checkpoint) => (
              <li key={checkpoint.id}>
                <button
                  className={checkpoint.id === shown?.id ? 'item active' : 'item'}
                  aria-current={checkpoint.id === shown?.id ? 'true' : undefined}
                  onClick={() => navigate('checkpoints', checkpoint.id)}
                >
                  <span className="item-icon">
                    <CheckpointIcon />
                  </span>
                  <span className="item-text">
                    <span className="item-title">{checkpoint.name}</span>
                    <span className="item-subtitle">
                      {describeArchitecture(checkpoint.architecture)} · {formatBytes(checkpoint.sizeBytes)}
                    </span>
                  </span>
                  {checkpoint.builtin && <span className="badge">Built-in</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>

        <section className="panel details-panel" aria-label="Checkpoint details">
          {shown ? (
            <CheckpointDetails key={shown.id} checkpoint={shown} />
          ) : selectedId && checkpointsState === 'ready' ? (
            <p className="muted pad">
              No checkpoint with id “{selectedId}” (it may have been removed).{' '}
              <a href="#/checkpoints" onClick={(e) => (e.preventDefault(), navigate('checkpoints'))}>
                Show all
              </a>
            </p>
          ) : (
            <p className="muted pad">Select a checkpoint to see its details.</p>
          )}
        </section>
      </div>
    </div>
  );
}

function ImportForm({ onImported }: { onImported(record: CheckpointRecord): void }) {
  const importCheckpoint = LibraryStore.use((s) => s.importCheckpoint);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = path.trim();
    if (!trimmed) {
      setError('Enter the path of a checkpoint folder on this machine.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const record = await importCheckpoint({
        path: trimmed,
        ...(name.trim() ? { name: name.trim() } : {}),
      });
      setPath('');
      setName('');
      onImported(record);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel import-form"
      onSubmit={(event) => void submit(event)}
      aria-label="Import a checkpoint"
    >
      <PathField
        id="import-path"
        label="Checkpoint folder"
        purpose="open-folder"
        placeholder="/home/me/models/nezha-cn-base"
        value={path}
        onChange={setPath}
      />
      <div className="field">
        <label htmlFor="import-name">Name (optional)</label>
        <input
          id="import-name"
          className="input"
          placeholder="from config or folder"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <button className="button button-primary" type="submit" disabled={busy}>
        {busy ? 'Importing…' : 'Import'}
      </button>
      {error && (
        <p className="field-error" role="alert" data-testid="import-error">
          {error}
        </p>
      )}
    </form>
  );
}

function CheckpointDetails({ checkpoint }: { checkpoint: CheckpointRecord }) {
  const removeCheckpoint = LibraryStore.use((s) => s.removeCheckpoint);
  const navigate = useRouter((s) => s.navigate);
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);

  const remove = async () => {
    setRemoving(true);
    try {
      await removeCheckpoint(checkpoint.id);
      navigate('checkpoints');
    } catch {
      // The client already raised a toast with the reason.
      setRemoving(false);
      setConfirming(false);
    }
  };

  return (
    <article className="details" data-testid="checkpoint-details">
      <header className="details-header">
        <div>
          <h2>{checkpoint.name}</h2>
          <div className="badges">
            {checkpoint.builtin && <span className="badge">Built-in</span>}
            <span className="badge badge-muted">{checkpoint.format}</span>
            <span className="badge badge-muted">{checkpoint.modelType}</span>
          </div>
        </div>
        {!checkpoint.builtin &&
          (confirming ? (
            <div className="confirm">
              <span>Remove from the library? The folder on disk stays.</span>
              <button className="button button-danger" disabled={removing} onClick={() => void remove()}>
                {removing ? 'Removing…' : 'Remove'}
              </button>
              <button className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button className="button" onClick={() => setConfirming(true)}>
              Remove…
            </button>
          ))}
      </header>

      <dl className="facts">
        <dt>Architecture</dt>
        <dd>
          {describeArchitecture(checkpoint.architecture)}
          {checkpoint.architecture && <span className="muted mono"> ({checkpoint.architecture})</span>}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(checkpoint.sizeBytes)}</dd>
        <dt>Shape</dt>
        <dd>
          {checkpoint.numLayers} layers · hidden size {checkpoint.hiddenSize}
        </dd>
        <dt>Labels</dt>
        <dd>
          {checkpoint.labels && checkpoint.labels.length > 0 ? (
            <>
              <span>{checkpoint.labels.length} labels</span>
              <div className="chips" data-testid="checkpoint-labels">
                {checkpoint.labels.map((label) => (
                  <span key={label} className="chip">
                    {label}
                  </span>
                ))}
              </div>
            </>
          ) : checkpoint.numLabels ? (
            `${checkpoint.numLabels} (no names in config.json)`
          ) : (
            <span className="muted">none (no classification head)</span>
          )}
        </dd>
        <dt>Files</dt>
        <dd className="mono">{checkpoint.files.join(', ')}</dd>
        <dt>Folder</dt>
        <dd className="mono path" title={checkpoint.path}>
          {checkpoint.path}
        </dd>
        <dt>Added</dt>
        <dd>{formatDateTime(checkpoint.addedAt)}</dd>
      </dl>
      <ExportOnnxForm checkpoint={checkpoint} />
    </article>
  );
}
