/**
 * Export a dataset's working annotation (gold + annotator spans) to a format and a path on this machine:
 * the done examples (default) or all of them with their status; a format that cannot carry the status
 * gets the main side's warning shown (how many sentences were never looked at).
 */
import { useState, type FormEvent } from 'react';
import {
  datasetExportFormatSchema,
  type DatasetExportFormat,
  type DatasetExportSelection,
  type DatasetRecord,
} from '../../../../shared/ipc';
import { PathField } from '../../components/PathField';
import { formatBytes } from '../../lib/format';
import { useServices } from '../../state/services';

const extensions: Record<DatasetExportFormat, string> = {
  'char-per-line-bio': 'txt',
  'char-per-line-bioes': 'txt',
  'ernie-tsv': 'tsv',
  cluener: 'json',
  'jsonl-spans': 'jsonl',
  'label-studio': 'json',
};

/** A default output path next to the imported file: `<source>.<format>.<ext>`. */
export function defaultExportPath(dataset: DatasetRecord, format: DatasetExportFormat): string {
  const base = dataset.sourcePath ? dataset.sourcePath.replace(/\.[^./\\]*$/, '') : dataset.name;
  return `${base}.${format}.${extensions[format]}`;
}

export function ExportDatasetForm({ dataset, onClose }: { dataset: DatasetRecord; onClose(): void }) {
  const { api } = useServices();
  const [format, setFormat] = useState<DatasetExportFormat>('char-per-line-bio');
  const [path, setPath] = useState(() => defaultExportPath(dataset, 'char-per-line-bio'));
  const [examples, setExamples] = useState<DatasetExportSelection>('done');
  const [warning, setWarning] = useState<string | null>(null);
  const carriesStatus = format === 'jsonl-spans' || format === 'label-studio';
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) {
      setError('Enter the file to write (an absolute path on this machine).');
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    setWarning(null);
    try {
      const written = await api.datasets.export({ id: dataset.id, format, path: path.trim(), examples });
      const left =
        written.skipped > 0 ? ` ${written.skipped.toLocaleString()} examples not done were left out.` : '';
      const status =
        examples === 'all' && carriesStatus
          ? ` Each carries its status (${written.unseen.toLocaleString()} never looked at, ${written.unfinished.toLocaleString()} in progress).`
          : '';
      setResult(
        `Wrote ${written.examples.toLocaleString()} examples and ${written.spans.toLocaleString()} spans to ${written.path} (${formatBytes(written.bytes)}).${left}${status}`,
      );
      setWarning(written.warning);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="export-form" onSubmit={(e) => void submit(e)} data-testid="dataset-export-form">
      <div className="field">
        <label htmlFor={`export-format-${dataset.id}`}>Format</label>
        <select
          id={`export-format-${dataset.id}`}
          className="select"
          value={format}
          onChange={(e) => {
            const next = e.target.value as DatasetExportFormat;
            // Follow the format in the suggested path unless the person typed their own.
            if (path === defaultExportPath(dataset, format)) setPath(defaultExportPath(dataset, next));
            setFormat(next);
          }}
        >
          {datasetExportFormatSchema.options.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`export-examples-${dataset.id}`}>Examples</label>
        <select
          id={`export-examples-${dataset.id}`}
          className="select"
          value={examples}
          onChange={(e) => setExamples(e.target.value as DatasetExportSelection)}
        >
          <option value="done">Done only</option>
          <option value="all">All, with status</option>
        </select>
      </div>
      <PathField
        id={`export-path-${dataset.id}`}
        label="Write to"
        purpose="save-file"
        dialogTitle={`Export ${dataset.name}`}
        filters={[{ name: format, extensions: [extensions[format]] }]}
        value={path}
        onChange={setPath}
      />
      <button className="button button-primary" type="submit" disabled={busy}>
        {busy ? 'Exporting…' : 'Export'}
      </button>
      <button className="button" type="button" onClick={onClose}>
        Close
      </button>
      {result && (
        <p
          className="small"
          role="status"
          data-testid="export-result"
          style={{ flexBasis: '100%', margin: 0 }}
        >
          {result}
        </p>
      )}
      {warning && (
        <p
          className="small"
          role="alert"
          data-testid="export-warning"
          style={{ flexBasis: '100%', margin: 0, color: 'var(--warn)' }}
        >
          {warning}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
