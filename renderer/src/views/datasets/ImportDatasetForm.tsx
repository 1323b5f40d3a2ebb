/**
 * Import a dataset by path (the main side reads the file), with live progress from the `progress`
 * event and Cancel (jobs.cancel with the jobId we chose), then the counts and warnings it reported.
 */
import { useState, type FormEvent } from 'react';
import { datasetFormatSchema, type DatasetImportSummary } from '../../../../shared/ipc';
import { JobProgress, useMainJob } from '../../components/JobProgress';
import { PathField } from '../../components/PathField';
import { LibraryStore } from '../../state/library';
import { useRouter } from '../../state/router';
import { useServices } from '../../state/services';

type Format = (typeof datasetFormatSchema.options)[number];

export function ImportDatasetForm() {
  const { api } = useServices();
  const refreshDatasets = LibraryStore.use((s) => s.refreshDatasets);
  const navigate = useRouter((s) => s.navigate);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<Format | ''>('');
  const { job, run, cancel: cancelJob } = useMainJob('import');
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<DatasetImportSummary | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = path.trim();
    if (!trimmed) {
      setError('Enter the path of a dataset file on this machine (e.g. /data/msra/test.txt).');
      return;
    }
    setError(null);
    setSummary(null);
    try {
      const result = await run((jobId) =>
        api.datasets.import({
          path: trimmed,
          jobId,
          ...(format ? { format } : {}),
          ...(name.trim() ? { name: name.trim() } : {}),
        }),
      );
      setSummary(result);
      setPath('');
      setName('');
      await refreshDatasets();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const cancel = async () => {
    if (!(await cancelJob())) setError('The import had already finished when Cancel arrived.');
  };

  return (
    <section className="panel" aria-label="Import a dataset">
      <form className="import-form" onSubmit={(e) => void submit(e)} data-testid="dataset-import-form">
        <PathField
          id="dataset-path"
          label="Dataset file"
          purpose="open-file"
          placeholder="/path/to/msra_test_bio.txt"
          value={path}
          onChange={setPath}
          disabled={Boolean(job)}
        />
        <div className="field">
          <label htmlFor="dataset-format">Format</label>
          <select
            id="dataset-format"
            className="select"
            value={format}
            onChange={(e) => setFormat(e.target.value as Format | '')}
            disabled={Boolean(job)}
          >
            <option value="">Detect automatically</option>
            {datasetFormatSchema.options.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dataset-name">Name (optional)</label>
          <input
            id="dataset-name"
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={Boolean(job)}
          />
        </div>
        <button className="button button-primary" type="submit" disabled={Boolean(job)}>
          {job ? 'Importing…' : 'Import'}
        </button>
        {job && (
          <JobProgress
            job={job}
            label="Import progress"
            testId="import-progress"
            onCancel={() => void cancel()}
          />
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
      {summary && (
        <div className="import-result" data-testid="import-result" role="status">
          <div>
            Imported <strong>{summary.dataset.name}</strong>: {summary.examples.toLocaleString()} examples
            {summary.dataset.task === 'ner' && <>, {summary.spans.toLocaleString()} entities</>} (
            {summary.dataset.format}, {(summary.durationMs / 1000).toFixed(1)} s).
          </div>
          {summary.dataset.labels.length > 0 && (
            <div className="small">Labels: {summary.dataset.labels.map((l) => l.name).join(', ')}</div>
          )}
          {summary.warnings.length > 0 ? (
            <ul className="small" data-testid="import-warnings">
              {summary.warnings.map((w, i) => (
                <li key={`${w.code}-${i}`}>
                  <strong>{w.severity === 'warning' ? 'Warning' : 'Note'}</strong> ({w.count}×): {w.message}
                  {w.lines.length > 0 && (
                    <span className="muted mono">
                      {' '}
                      {w.file}:{w.lines.slice(0, 5).join(', ')}
                      {w.lines.length > 5 ? '…' : ''}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <div className="small muted">No warnings.</div>
          )}
          {summary.dataset.task === 'ner' && (
            <div>
              <button
                className="button button-small button-primary"
                onClick={() => navigate('annotate', summary.dataset.id)}
              >
                Open in Annotate
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
