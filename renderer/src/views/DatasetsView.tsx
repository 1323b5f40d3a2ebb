import { Fragment, useEffect, useState } from 'react';
import type { DatasetRecord } from '../../../shared/ipc';
import { EmptyState } from '../components/EmptyState';
import { DatasetIcon } from '../components/icons';
import { formatDateTime } from '../lib/format';
import { LibraryStore } from '../state/library';
import { useRouter } from '../state/router';
import { useServices } from '../state/services';
import { ExportDatasetForm } from './datasets/ExportDatasetForm';
import { ImportDatasetForm } from './datasets/ImportDatasetForm';
import { isNerDataset } from './requirements';
import './annotate/annotate.css';

export function DatasetsView() {
  const { api } = useServices();
  const { datasets, datasetsState, datasetsError, refreshDatasets } = LibraryStore.use();

  useEffect(() => {
    void refreshDatasets();
  }, [api, refreshDatasets]);

  return (
    <div className="view" data-testid="view-datasets">
      <header className="view-header">
        <div>
          <h1>Datasets</h1>
          <p className="muted">
            Corpora to annotate and benchmark on: NER (People's Daily / MSRA, CLUENER), sentence pairs (LCQMC,
            XNLI), sentiment (ChnSentiCorp), reading comprehension (CMRC 2018, C3).
          </p>
        </div>
      </header>

      <ImportDatasetForm />

      {datasetsState === 'error' && (
        <div className="callout callout-error" role="alert">
          Could not list datasets: {datasetsError}{' '}
          <button className="button button-small" onClick={() => void refreshDatasets()}>
            Retry
          </button>
        </div>
      )}
      {datasetsState === 'loading' && datasets.length === 0 && <p className="muted">Loading…</p>}

      {datasetsState === 'ready' && datasets.length === 0 && (
        <EmptyState icon={<DatasetIcon />} title="No datasets yet" testId="datasets-empty">
          <p>
            Your library has no datasets. Import a file above: character-per-line BIO/BIOES/BMES files
            (People’s Daily, MSRA), ERNIE TSV, CLUENER JSON lines, JSONL spans (Prodigy), Label Studio
            exports, LCQMC/XNLI TSV, ChnSentiCorp, CMRC 2018 and C3 JSON. The format is detected; pick one to
            override.
          </p>
          <p className="muted">
            Once a dataset is imported it appears here with its task, format and example count, and the
            Annotate and Benchmark views can use it.
          </p>
        </EmptyState>
      )}

      {datasets.length > 0 && (
        <section className="panel">
          <table className="table" data-testid="dataset-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Task</th>
                <th>Format</th>
                <th className="num">Examples</th>
                <th>Added</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {datasets.map((dataset) => (
                <DatasetRow key={dataset.id} dataset={dataset} />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function DatasetRow({ dataset }: { dataset: DatasetRecord }) {
  const removeDataset = LibraryStore.use((s) => s.removeDataset);
  const navigate = useRouter((s) => s.navigate);
  const [confirming, setConfirming] = useState(false);
  const [exporting, setExporting] = useState(false);
  return (
    <Fragment>
      <tr data-testid="dataset-row" data-dataset-id={dataset.id}>
        <td>
          {dataset.name} {dataset.builtin && <span className="badge">Built-in</span>}{' '}
          {dataset.readOnly && (
            <span
              className="badge"
              title="A benchmark gold set: it cannot be edited; Annotate offers a copy."
            >
              Read-only gold
            </span>
          )}
          {dataset.sourcePath && <div className="muted mono small">{dataset.sourcePath}</div>}
        </td>
        <td>{dataset.task}</td>
        <td>{dataset.format}</td>
        <td className="num">{dataset.exampleCount.toLocaleString()}</td>
        <td>{formatDateTime(dataset.addedAt)}</td>
        <td className="actions">
          {isNerDataset(dataset) && (
            <button className="button button-small" onClick={() => navigate('annotate', dataset.id)}>
              Annotate
            </button>
          )}
          {isNerDataset(dataset) && (
            <button
              className="button button-small"
              onClick={() => setExporting((on) => !on)}
              aria-expanded={exporting}
            >
              Export…
            </button>
          )}
          {!dataset.builtin &&
            (confirming ? (
              <>
                <button
                  className="button button-small button-danger"
                  onClick={() => void removeDataset(dataset.id).catch(() => setConfirming(false))}
                >
                  Remove
                </button>
                <button className="button button-small" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button className="button button-small" onClick={() => setConfirming(true)}>
                Remove…
              </button>
            ))}
        </td>
      </tr>
      {exporting && (
        <tr>
          <td colSpan={6}>
            <ExportDatasetForm dataset={dataset} onClose={() => setExporting(false)} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
