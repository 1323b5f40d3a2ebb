import { useEffect, useMemo, useState } from 'react';
import { EmptyState } from '../components/EmptyState';
import { AnnotateIcon } from '../components/icons';
import { LibraryStore } from '../state/library';
import { SettingsStore } from '../state/settings';
import { useRouter } from '../state/router';
import { useRuntime } from '../state/runtime';
import { useServices } from '../state/services';
import { AnnotationText } from './annotate/AnnotationText';
import { LabelMappingStep } from './annotate/LabelMappingStep';
import { ExampleList } from './annotate/ExampleList';
import { TeamQueueBar } from './annotate/TeamQueueBar';
import { labelHotkeys } from './annotate/keyboard';
import { KeyboardHelp } from './annotate/KeyboardHelp';
import { LabelLegend, ModelPanel, ProgressPanel, SaveIndicator, SpanMenu } from './annotate/Panels';
import { PreannotationPanel } from './annotate/PreannotationPanel';
import { AnnotatorName } from './annotate/review/AnnotatorName';
import { ReviewPanel } from './annotate/review/ReviewPanel';
import { withLiveSuggestions } from './annotate/spans';
import { UpdatePanel } from './annotate/UpdatePanel';
import { defaultAnnotateDataset } from './annotate/state/session';
import { AnnotateStore, type QuickFilter } from './annotate/store';
import { useAnnotateKeys } from './annotate/useAnnotateKeys';
import { isNerDataset, isTokenClassifier, names } from './requirements';
import './annotate/annotate.css';

const quickFilters: { value: QuickFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'unannotated', label: 'Unannotated' },
  { value: 'disagreement', label: 'Disagreement' },
  { value: 'low-confidence', label: 'Low confidence' },
];

export function AnnotateView() {
  const { api } = useServices();
  const navigate = useRouter((s) => s.navigate);
  const routeDatasetId = useRouter((s) => s.route.params[0]);
  const { checkpoints, datasets, datasetsState, refreshCheckpoints, refreshDatasets } = LibraryStore.use();
  useEffect(() => {
    void refreshCheckpoints();
    void refreshDatasets();
  }, [api, refreshCheckpoints, refreshDatasets]);

  // Where Annotate was (state/session.ts): the remembered dataset, else a corpus that is not read-only gold.
  const store = AnnotateStore.useApi();
  const sessionLoaded = AnnotateStore.use((s) => s.sessionLoaded);
  const session = AnnotateStore.use((s) => s.session);
  useEffect(() => {
    void store.getState().loadSession();
  }, [store]);

  const taggers = checkpoints.filter(isTokenClassifier);
  const corpora = datasets.filter(isNerDataset);
  const datasetId = routeDatasetId ?? (sessionLoaded ? defaultAnnotateDataset(corpora, session) : undefined);

  if (corpora.length === 0 && !routeDatasetId) {
    return (
      <div className="view" data-testid="view-annotate">
        <header className="view-header">
          <h1>Annotate</h1>
        </header>
        <EmptyState
          icon={<AnnotateIcon />}
          title="Annotate NER corpora with a model in the loop"
          testId="annotate-empty"
          requirements={[
            {
              label: 'A NER dataset',
              met: false,
              detail:
                datasetsState === 'loading'
                  ? 'Loading the dataset list…'
                  : 'Import a NER dataset first (People’s Daily / MSRA, CLUENER…).',
              action: { label: 'Go to Datasets', onClick: () => navigate('datasets') },
            },
            {
              label: 'A token-classification checkpoint',
              met: taggers.length > 0,
              detail:
                taggers.length > 0
                  ? names(taggers)
                  : 'Import a NezhaForTokenClassification checkpoint trained on your labels.',
              action: { label: 'Go to Checkpoints', onClick: () => navigate('checkpoints') },
            },
          ]}
        >
          <p>
            Open a NER dataset, let a NEZHA token-classification model pre-annotate each sentence (entity
            spans on the original characters), then accept, fix or add spans with the keyboard. Every edit is
            saved as you go, and the corrected corpus exports back to its original format.
          </p>
        </EmptyState>
      </div>
    );
  }

  return <Workbench datasetId={datasetId ?? ''} />;
}

function Workbench({ datasetId }: { datasetId: string }) {
  const navigate = useRouter((s) => s.navigate);
  const { checkpoints, datasets, refreshDatasets } = LibraryStore.use();
  const store = AnnotateStore.useApi();
  const state = AnnotateStore.use();
  const [reviewing, setReviewing] = useState(false);
  const { open, dataset, labels, selection, pickedSpanId, query, total, position } = state;
  const author = SettingsStore.use((s) => s.settings.annotatorName);
  const liveCheckpoint = state.model.state === 'none' ? null : state.model.checkpointId;
  // The open example with only the suggestions this annotator is to decide on (spans.ts liveSuggestions).
  const current = useMemo(
    () => state.current && withLiveSuggestions(state.current, author, liveCheckpoint),
    [state.current, author, liveCheckpoint],
  );
  const checkpointNames = useMemo(() => new Map(checkpoints.map((c) => [c.id, c.name])), [checkpoints]);

  useEffect(() => {
    if (datasetId) void open(datasetId);
  }, [datasetId, open]);

  const hotkeys = useMemo(() => labelHotkeys(labels), [labels]);
  const colors = useMemo(() => new Map(labels.map((l) => [l.name, l.color])), [labels]);
  const taggers = checkpoints.filter(isTokenClassifier);
  const corpora = datasets.filter(isNerDataset);
  const readOnly = dataset?.id === datasetId && dataset.readOnly;

  // The checkpoint picked before a reload is picked again (once, if it is still in the library), once the
  // worker has its backend: a load sent before the first init would reach tfjs with none.
  const backendReady = useRuntime((s) => s.backend !== null);
  useEffect(() => {
    const list = checkpoints.filter(isTokenClassifier);
    if (list.length && backendReady) void store.getState().restoreCheckpoint(list);
  }, [store, checkpoints, backendReady]);

  const annotateCopy = async () => {
    const copyId = await state.annotateCopy();
    if (!copyId) return;
    await refreshDatasets();
    navigate('annotate', copyId);
  };

  // The whole view listens: labelling, undo and navigation work without focusing the text first.
  const keys = useAnnotateKeys({ hotkeys, disabled: reviewing, readOnly });

  const pickedSpan = current?.spans.find((s) => s.id === pickedSpanId) ?? null;

  return (
    <div className="view view-wide" data-testid="view-annotate">
      <header className="view-header annotate-header">
        <h1>Annotate</h1>
        <select
          className="select"
          aria-label="Dataset"
          value={datasetId}
          onChange={(e) => navigate('annotate', e.target.value)}
        >
          {!corpora.some((d) => d.id === datasetId) && (
            <option value={datasetId}>{dataset?.name ?? datasetId}</option>
          )}
          {corpora.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} · {d.exampleCount.toLocaleString()}
            </option>
          ))}
        </select>
        <button
          className="button button-small"
          aria-pressed={reviewing}
          onClick={() => setReviewing(!reviewing)}
          data-testid="review-toggle"
        >
          {reviewing ? 'Back to annotating' : 'Review'}
        </button>
        <span className="spacer" />
        <AnnotatorName />
        <button
          className="button button-small"
          onClick={() => keys.setHelpOpen(true)}
          title="Every key of the Annotate view (?)"
        >
          Keys <kbd>?</kbd>
        </button>
        <SaveIndicator save={state.save} />
      </header>
      {keys.helpOpen && (
        <KeyboardHelp
          labels={labels}
          hotkeys={hotkeys}
          words={keys.words}
          onClose={() => keys.setHelpOpen(false)}
        />
      )}

      {state.openError && (
        <div className="callout callout-error" role="alert">
          Could not open dataset “{datasetId}”: {state.openError}{' '}
          <button className="button button-small" onClick={() => navigate('datasets')}>
            Go to Datasets
          </button>
        </div>
      )}

      {readOnly && dataset && (
        <div className="callout read-only-callout" role="status" data-testid="read-only-banner">
          <span>
            <strong>Read-only.</strong> “{dataset.name}” is a benchmark gold set: editing it would change the
            gold every benchmark scores against, so it cannot be edited here. Annotate a copy to work on its
            sentences.
          </span>
          <button
            className="button button-small button-primary"
            onClick={() => void annotateCopy()}
            disabled={state.copying}
            data-testid="annotate-copy"
          >
            {state.copying ? 'Copying…' : 'Annotate a copy'}
          </button>
        </div>
      )}

      {reviewing ? (
        <ReviewPanel datasetId={datasetId} />
      ) : (
        <>
          <div className="annotate-toolbar">
            <input
              className="input"
              type="search"
              placeholder={query.searchIn === 'entity' ? 'Search entities…' : 'Search text…'}
              aria-label="Search"
              defaultValue={query.search}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void state.setQuery({ search: (e.target as HTMLInputElement).value });
              }}
              onBlur={(e) =>
                e.target.value !== query.search && void state.setQuery({ search: e.target.value })
              }
            />
            <select
              className="select"
              aria-label="Search in"
              value={query.searchIn}
              onChange={(e) => void state.setQuery({ searchIn: e.target.value as 'text' | 'entity' })}
            >
              <option value="text">in text</option>
              <option value="entity">in entities</option>
            </select>
            <div className="filter-chips" role="radiogroup" aria-label="Filter">
              {quickFilters.map((f) => (
                <button
                  key={f.value}
                  role="radio"
                  aria-checked={query.quick === f.value}
                  className="filter-chip"
                  onClick={() => void state.setQuery({ quick: f.value })}
                >
                  {f.label}
                </button>
              ))}
            </div>
            <select
              className="select"
              aria-label="Order"
              value={query.order}
              onChange={(e) => void state.setQuery({ order: e.target.value as 'index' | 'uncertainty' })}
            >
              <option value="index">File order</option>
              <option value="uncertainty">Most uncertain first</option>
            </select>
            <span className="muted small" data-testid="match-count">
              {total.toLocaleString()} example{total === 1 ? '' : 's'}
            </span>
          </div>

          <TeamQueueBar />
          <div className="annotate-body">
            <ExampleList />

            <section className="panel editor" aria-label="Editor">
              {current ? (
                <>
                  <div className="editor-header">
                    <strong data-testid="example-position">#{current.index + 1}</strong>
                    <span className={`status-pill status-${current.status}`} data-testid="example-status">
                      {current.status}
                    </span>
                    <span className="muted small">
                      {position + 1} of {total.toLocaleString()}
                    </span>
                    <span className="spacer" />
                    <button
                      className="button button-small"
                      disabled={readOnly || !current.canUndo}
                      onClick={() => void state.undo()}
                    >
                      Undo <kbd>Ctrl Z</kbd>
                    </button>
                    <button
                      className="button button-small"
                      disabled={readOnly || !current.canRedo}
                      onClick={() => void state.redo()}
                    >
                      Redo <kbd>Ctrl ⇧ Z</kbd>
                    </button>
                  </div>
                  <AnnotationText
                    example={current}
                    checkpointNames={checkpointNames}
                    colors={colors}
                    selection={selection}
                    pickedSpanId={pickedSpanId}
                    onSelect={state.setSelection}
                    onPickSpan={state.pickSpan}
                    focusedSuggestionId={keys.focusedSuggestionId}
                    words={keys.words.state}
                  />
                  {pickedSpan && (
                    <SpanMenu
                      example={current}
                      span={pickedSpan}
                      labels={labels}
                      hotkeys={hotkeys}
                      onRelabel={(label) => void state.relabelSpan(pickedSpan.id, label)}
                      onRemove={() => void state.removeSpan(pickedSpan.id)}
                      onClose={() => state.pickSpan(null)}
                    />
                  )}
                  <div className="editor-actions">
                    <button
                      className="button button-small"
                      onClick={() => void state.step(-1)}
                      disabled={position === 0}
                    >
                      ← Previous <kbd>K</kbd>
                    </button>
                    <button
                      className="button button-small"
                      onClick={() => void state.markDone()}
                      disabled={readOnly || current.status === 'done'}
                    >
                      Mark done
                    </button>
                    <button
                      className="button button-small button-primary"
                      onClick={() => void state.acceptAllAndNext()}
                      disabled={readOnly}
                    >
                      Accept &amp; next <kbd>↵</kbd>
                    </button>
                    <button
                      className="button button-small"
                      onClick={() => void state.step(1)}
                      disabled={position >= total - 1}
                    >
                      Next <kbd>J</kbd>
                    </button>
                  </div>
                  <p className="muted small hint">
                    Drag over characters (or Shift+←/→, Ctrl+Shift+←/→ by word), then press a label’s key. Tab
                    focuses a suggestion: A accepts it, X rejects it. Click a span to relabel or remove it.
                    Enter accepts the suggestions, marks the sentence done and opens the next. <kbd>?</kbd>{' '}
                    lists every key.
                  </p>
                </>
              ) : (
                <p className="muted pad">
                  {total === 0 && dataset ? 'No example matches this filter.' : 'Loading…'}
                </p>
              )}
            </section>

            <aside className="annotate-side">
              <section className="side-section">
                <h3>Labels</h3>
                <LabelLegend
                  labels={labels}
                  hotkeys={hotkeys}
                  onLabel={(label) => void state.labelSelection(label)}
                />
              </section>
              {readOnly ? (
                <section className="side-section" aria-label="Model in the loop">
                  <h3>Model</h3>
                  <p className="muted small">No suggestions on a read-only gold set.</p>
                </section>
              ) : (
                <ModelPanel
                  checkpoints={taggers}
                  model={state.model}
                  example={current}
                  colors={colors}
                  autoPreannotate={state.autoPreannotate}
                  onPick={(id) => void state.pickCheckpoint(taggers.find((c) => c.id === id) ?? null)}
                  onAuto={(on) => state.setAutoPreannotate(on)}
                  onPreannotate={() => current && void state.preannotate([current], true)}
                  onAccept={(ids) => void state.acceptModel(ids)}
                  onReject={(ids) => void state.rejectModel(ids)}
                />
              )}
              {!readOnly && (
                <LabelMappingStep
                  mapping={state.labelMapping}
                  labels={labels}
                  onTarget={state.setMappingTarget}
                  onConfirm={() => void state.confirmLabelMapping()}
                  onEdit={state.editLabelMapping}
                />
              )}
              {!readOnly && <PreannotationPanel />}
              {!readOnly && <UpdatePanel />}
              <ProgressPanel stats={state.stats} colors={colors} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}
