/**
 * "Export ONNX" on a checkpoint: the main side writes the checkpoint's class as an ONNX graph (opset 17,
 * any sequence length) next to the library entry or where the person picks, with live progress from the
 * `progress` event and Cancel (jobs.cancel with the jobId chosen here).
 */
import { useState, type FormEvent } from 'react';
import type { CheckpointRecord, OnnxExportSummary } from '../../../../shared/ipc';
import { JobProgress, useMainJob } from '../../components/JobProgress';
import { PathField } from '../../components/PathField';
import { formatBytes } from '../../lib/format';
import { useServices } from '../../state/services';

/** Where the file lands when no path is typed (the main side's default, shown as the placeholder). */
export function defaultOnnxPathFor(checkpoint: Pick<CheckpointRecord, 'path'>): string {
  return `${checkpoint.path.replace(/[\\/]+$/, '')}/model.onnx`;
}

export function ExportOnnxForm({ checkpoint }: { checkpoint: CheckpointRecord }) {
  const { api } = useServices();
  const [path, setPath] = useState('');
  const { job, run, cancel: cancelJob } = useMainJob('onnx-export');
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<OnnxExportSummary | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = path.trim();
    if (target && !target.endsWith('.onnx')) {
      setError('The file name must end in .onnx (e.g. /home/me/exports/nezha-ner.onnx).');
      return;
    }
    setError(null);
    setSummary(null);
    try {
      setSummary(
        await run((jobId) =>
          api.checkpoints.exportOnnx({ id: checkpoint.id, jobId, ...(target ? { path: target } : {}) }),
        ),
      );
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const cancel = async () => {
    if (!(await cancelJob())) setError('The export had already finished when Cancel arrived.');
  };

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
          <JobProgress
            job={job}
            label="Export progress"
            testId="onnx-export-progress"
            onCancel={() => void cancel()}
          />
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
