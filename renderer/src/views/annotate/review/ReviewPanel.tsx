/**
 * Review mode: annotator A's and B's versions of the dataset side by side, their agreement (exact-match
 * span P/R/F1 per label and overall, Cohen's kappa on character tags; computed on the main side over the
 * whole dataset) and adjudication: per example pick A's or B's spans (or single spans from either) into a
 * draft gold version and save it, or accept every span both agree on.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  ReviewAgreement,
  ReviewAuthor,
  ReviewItem,
  ReviewPage,
  ReviewSpan,
} from '../../../../../shared/ipc';
import { useServices } from '../../../state/services';
import { SettingsStore } from '../../../state/settings';
import './review.css';

const pageSize = 20;
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const spanKey = (s: ReviewSpan) => `${s.start}:${s.end}:${s.label}`;
const plain = (s: ReviewSpan): ReviewSpan => ({ start: s.start, end: s.end, label: s.label });

export function ReviewPanel({ datasetId }: { datasetId: string }) {
  const { api } = useServices();
  const judge = SettingsStore.use((s) => s.settings.annotatorName);
  const [authors, setAuthors] = useState<ReviewAuthor[]>([]);
  const [authorA, setAuthorA] = useState('');
  const [authorB, setAuthorB] = useState('');
  const [onlyDisagreements, setOnlyDisagreements] = useState(false);
  const [offset, setOffset] = useState(0);
  const [agreement, setAgreement] = useState<ReviewAgreement | null>(null);
  const [page, setPage] = useState<ReviewPage | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.review.authors({ datasetId }).then((list) => {
      if (!live) return;
      setAuthors(list);
      setAuthorA((a) => a || list[0]?.author || '');
      setAuthorB((b) => b || list[1]?.author || '');
    });
    return () => {
      live = false;
    };
  }, [api, datasetId]);

  const ready = authorA !== '' && authorB !== '' && authorA !== authorB;
  const reload = useCallback(async () => {
    if (!ready) return;
    const pair = { datasetId, authorA, authorB };
    const [report, items] = await Promise.all([
      api.review.agreement(pair),
      api.review.examples({ ...pair, offset, limit: pageSize, onlyDisagreements }),
    ]);
    setAgreement(report);
    setPage(items);
  }, [api, datasetId, authorA, authorB, offset, onlyDisagreements, ready]);
  useEffect(() => {
    void reload().catch(() => undefined); // the client toasts failures
  }, [reload]);

  const acceptAgreeing = async () => {
    const result = await api.review.acceptAgreeing({ datasetId, authorA, authorB, author: judge });
    setMessage(
      `Added ${result.spans} agreed span${result.spans === 1 ? '' : 's'} to gold in ${result.examples} example` +
        `${result.examples === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} skipped: they overlap other gold spans)` : ''}.`,
    );
    await reload();
  };

  return (
    <section className="panel review" aria-label="Review" data-testid="review-panel">
      <div className="review-toolbar">
        <AuthorPicker name="A" authors={authors} value={authorA} onChange={setAuthorA} />
        <AuthorPicker name="B" authors={authors} value={authorB} onChange={setAuthorB} />
        <label className="small">
          <input
            type="checkbox"
            checked={onlyDisagreements}
            onChange={(e) => {
              setOffset(0);
              setOnlyDisagreements(e.target.checked);
            }}
          />{' '}
          Only disagreements
        </label>
        <span className="spacer" />
        <button className="button button-small" disabled={!ready} onClick={() => void acceptAgreeing()}>
          Accept A/B for all agreeing spans
        </button>
      </div>
      {authors.length < 2 && (
        <p className="muted" data-testid="review-needs-two">
          Review needs two annotators: set the annotator name in the header, annotate, then let a second
          person (another name) annotate the same examples.
        </p>
      )}
      {authorA !== '' && authorA === authorB && <p className="field-error">Pick two different annotators.</p>}
      {message && (
        <p className="callout" role="status">
          {message}
        </p>
      )}
      {agreement && <AgreementSummary report={agreement} />}
      {page && (
        <>
          <p className="muted small">
            {page.total} example{page.total === 1 ? '' : 's'} annotated by both
            {page.total > pageSize && (
              <>
                {' '}
                · {offset + 1}–{Math.min(offset + pageSize, page.total)}{' '}
                <button
                  className="button button-small"
                  disabled={offset === 0}
                  onClick={() => setOffset(offset - pageSize)}
                >
                  Previous
                </button>{' '}
                <button
                  className="button button-small"
                  disabled={offset + pageSize >= page.total}
                  onClick={() => setOffset(offset + pageSize)}
                >
                  Next
                </button>
              </>
            )}
          </p>
          {page.items.map((item) => (
            <ReviewRow
              key={`${item.exampleId}:${item.revision}`}
              item={item}
              onSave={async (spans) => {
                await api.review.adjudicate({
                  exampleId: item.exampleId,
                  spans,
                  author: judge,
                  expectedRevision: item.revision,
                });
                setMessage(`Saved the gold version of example #${item.index + 1}.`);
                await reload();
              }}
            />
          ))}
        </>
      )}
    </section>
  );
}

function AgreementSummary({ report }: { report: ReviewAgreement }) {
  const { overall, kappa } = report;
  return (
    <div className="review-agreement" data-testid="review-agreement">
      <dl className="review-figures">
        <div>
          <dt>Examples compared</dt>
          <dd data-testid="agreement-examples">{report.examples}</dd>
        </div>
        <div>
          <dt>Span F1 (exact match)</dt>
          <dd data-testid="agreement-f1">{percent(overall.f1)}</dd>
        </div>
        <div>
          <dt>Precision / recall (A vs B)</dt>
          <dd>
            {percent(overall.precision)} / {percent(overall.recall)}
          </dd>
        </div>
        <div>
          <dt title="Cohen's kappa on per-character tags (label or O), chance agreement from each annotator's marginals">
            Cohen’s κ (characters)
          </dt>
          <dd data-testid="agreement-kappa">{kappa.kappa === null ? 'n/a' : kappa.kappa.toFixed(3)}</dd>
        </div>
        <div>
          <dt>Matched spans</dt>
          <dd>
            {overall.matched} of A {overall.spansA} / B {overall.spansB}
          </dd>
        </div>
      </dl>
      <table className="table small" aria-label="Agreement per label">
        <thead>
          <tr>
            <th>Label</th>
            <th>A</th>
            <th>B</th>
            <th>Matched</th>
            <th>F1</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(report.perLabel).map(([label, s]) => (
            <tr key={label} data-testid={`agreement-label-${label}`}>
              <td>{label}</td>
              <td>{s.spansA}</td>
              <td>{s.spansB}</td>
              <td>{s.matched}</td>
              <td>{percent(s.f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewRow({ item, onSave }: { item: ReviewItem; onSave: (spans: ReviewSpan[]) => Promise<void> }) {
  const chars = useMemo(() => Array.from(item.text), [item.text]);
  const initial = item.gold.length > 0 ? item.gold : item.agree ? item.a : [];
  const [draft, setDraft] = useState<ReviewSpan[]>(() => initial.map(plain));
  const [saving, setSaving] = useState(false);
  const inDraft = new Set(draft.map(spanKey));
  const overlapsDraft = (s: ReviewSpan) =>
    draft.some((d) => spanKey(d) !== spanKey(s) && d.start < s.end && s.start < d.end);
  const toggle = (s: ReviewSpan) =>
    setDraft((d) =>
      inDraft.has(spanKey(s))
        ? d.filter((x) => spanKey(x) !== spanKey(s))
        : [...d.filter((x) => !(x.start < s.end && s.start < x.end)), plain(s)].sort(
            (x, y) => x.start - y.start,
          ),
    );
  const text = (s: ReviewSpan) => chars.slice(s.start, s.end).join('');
  const spanList = (spans: ReviewSpan[], side: string) => (
    <ul className="review-spans">
      {spans.length === 0 && <li className="muted">no spans</li>}
      {spans.map((s) => (
        <li key={spanKey(s)}>
          <button
            className="chip"
            aria-pressed={inDraft.has(spanKey(s))}
            title={overlapsDraft(s) ? 'Replaces the overlapping gold span' : 'Toggle in the gold version'}
            onClick={() => toggle(s)}
            data-testid={`review-${side}-span`}
          >
            {s.label} {text(s)} [{s.start}, {s.end})
          </button>
        </li>
      ))}
    </ul>
  );
  const changed =
    draft.length !== item.gold.length || draft.some((s) => !item.gold.some((g) => spanKey(g) === spanKey(s)));

  return (
    <article
      className={`review-row${item.agree ? ' agree' : ''}`}
      data-testid="review-row"
      aria-label={`Example ${item.index + 1}`}
    >
      <header>
        <strong>#{item.index + 1}</strong> <span className="review-text">{item.text}</span>{' '}
        <span className={item.agree ? 'muted small' : 'small field-error'}>
          {item.agree ? 'agree' : 'disagree'}
        </span>
      </header>
      <div className="review-columns">
        <div>
          <h4>
            A{' '}
            <button className="button button-small" onClick={() => setDraft(item.a.map(plain))}>
              Use A
            </button>
          </h4>
          {spanList(item.a, 'a')}
        </div>
        <div>
          <h4>
            B{' '}
            <button className="button button-small" onClick={() => setDraft(item.b.map(plain))}>
              Use B
            </button>
          </h4>
          {spanList(item.b, 'b')}
        </div>
        <div>
          <h4>Gold (draft)</h4>
          {spanList(draft, 'gold')}
          <button
            className="button button-small button-primary"
            disabled={!changed || saving}
            onClick={() => {
              setSaving(true);
              void onSave(draft).finally(() => setSaving(false));
            }}
          >
            Save gold
          </button>
          <span className="muted small">
            {' '}
            saved gold: {item.gold.length} span{item.gold.length === 1 ? '' : 's'}
          </span>
        </div>
      </div>
    </article>
  );
}

/** One of the two annotator pickers: every author with a version of this dataset, and their span count. */
function AuthorPicker(props: {
  name: 'A' | 'B';
  authors: readonly { author: string; spans: number }[];
  value: string;
  onChange: (author: string) => void;
}) {
  return (
    <label>
      Annotator {props.name}{' '}
      <select
        className="select"
        aria-label={`Annotator ${props.name}`}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">—</option>
        {props.authors.map((a) => (
          <option key={a.author} value={a.author}>
            {a.author} · {a.spans} spans
          </option>
        ))}
      </select>
    </label>
  );
}
