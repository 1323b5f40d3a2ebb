/**
 * "Export ONNX" on a checkpoint: the main side writes the checkpoint's class as an ONNX graph (opset 17,
 * any sequence length) next to the library entry or where the person picks, with live progress from the
 * `progress` event and Cancel (jobs.cancel with the jobId chosen here).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CheckpointRecord, OnnxExportSummary, ProgressEvent } from '../../../../shared/ipc';
import { PathField } from '../../components/PathField';
import { formatBytes } from '../../lib/format';
import { newJobId } from '../../lib/jobId';
import { useServices } from '../../state/services';

/** Where the file lands when no path is typed (the main side's default, shown as the placeholder). */
export function defaultOnnxPathFor(checkpoint: Pick<CheckpointRecord, 'path'>): string {
  return `${checkpoint.path.replace(/[\\/]+$/, '')}/model.onnx`;
}

export function ExportOnnxForm({ checkpoint }: { checkpoint: CheckpointRecord }) {
  const { api } = useServices();
  const [path, setPath] = useState('');
  const [job, setJob] = useState<{ id: string; progress: ProgressEvent | null; cancelling: boolean } | null>(
    null,
  );
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<OnnxExportSummary | null>(null);
  const jobId = useRef<string | null>(null);

  useEffect(
    () =>
      api.on('progress', (event) => {
        if (event.jobId === jobId.current)
          setJob((j) => (j && j.id === event.jobId ? { ...j, progress: event } : j));
      }),
    [api],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = path.trim();
    if (target && !target.endsWith('.onnx')) {
      setError('The file name must end in .onnx (e.g. /home/me/exports/nezha-ner.onnx).');
      return;
    }
    const id = newJobId('onnx-export');
    jobId.current = id;
    setJob({ id, progress: null, cancelling: false });
    setError(null);
    setSummary(null);
    try {
      setSummary(
        await api.checkpoints.exportOnnx({
          id: checkpoint.id,
          jobId: id,
          ...(target ? { path: target } : {}),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      jobId.current = null;
      setJob(null);
    }
  };

  const cancel = async () => {
    if (!job) return;
    setJob({ ...job, cancelling: true });
    try {
      const { cancelled } = await api.jobs.cancel({ jobId: job.id });
      if (!cancelled) setError('The export had already finished when Cancel arrived.');
    } catch {
      // toasted by the client
    }
  };

  const progress = job?.progress;
  const percent = progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : null;

  return (
    <section className="panel" aria-label="Export ONNX" data-testid="onnx-export">
      <form className="import-form" onSubmit={(e) => void submit(e)}>
        <PathField
          id="onnx-path"
          label="ONNX file (optional)"
          purpose="save-file"
          dialogTitle="Export ONNX to"
          filters={[{ name: 'ONNX model', extensions: ['onnx'] }]}
          placeholder={defaultOnnxPathFor(checkpoint)}
          value={path}
          onChange={setPath}
          disabled={Boolean(job)}
        />
        <button className="button button-primary" type="submit" disabled={Boolean(job)}>
          {job ? 'Exporting…' : 'Export ONNX'}
        </button>
        {job && (
          <div className="import-progress" data-testid="onnx-export-progress">
            <div
              className="progress"
              role="progressbar"
              aria-label="Export progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent ?? undefined}
            >
              <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
            </div>
            <span className="small muted">{progress?.message ?? 'Starting…'}</span>
            <button type="button" className="button" onClick={() => void cancel()} disabled={job.cancelling}>
              {job.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid="onnx-export-error">
            {error}
          </p>
        )}
      </form>
      {summary && (
        <p className="small" data-testid="onnx-export-result">
          Wrote <span className="mono">{summary.path}</span>: {summary.className} (outputs{' '}
          {summary.outputs.join(', ')}; {formatBytes(summary.weightBytes)} of weights) in{' '}
          {(summary.ms / 1000).toFixed(1)} s.
          {summary.missingKeys.length > 0 &&
            ` The checkpoint had no weights for ${summary.missingKeys.join(', ')}; they were initialised randomly.`}
        </p>
      )}
    </section>
  );
}
