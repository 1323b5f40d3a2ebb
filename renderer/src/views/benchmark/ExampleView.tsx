/**
 * One evaluated example as the error browser and the disagreement list show it: NER text with gold and
 * predicted entity spans highlighted (code-point offsets), or the text / question with gold and predicted
 * label, answer or choice.
 */
import type { BenchmarkData, ExamplePrediction } from '../../../../shared/benchmark/types';

type Span = { start: number; end: number; label: string };

/** The text cut at span boundaries (code points), each piece with the span it belongs to. */
export function spanPieces(text: string, spans: readonly Span[]): { text: string; span: Span | null }[] {
  const chars = Array.from(text);
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const pieces: { text: string; span: Span | null }[] = [];
  let at = 0;
  for (const s of sorted) {
    if (s.start < at || s.end > chars.length || s.end <= s.start) continue; // overlapping or out of range
    if (s.start > at) pieces.push({ text: chars.slice(at, s.start).join(''), span: null });
    pieces.push({ text: chars.slice(s.start, s.end).join(''), span: s });
    at = s.end;
  }
  if (at < chars.length) pieces.push({ text: chars.slice(at).join(''), span: null });
  return pieces;
}

function keyOf(s: Span): string {
  return `${s.start}:${s.end}:${s.label}`;
}

export function SpanText({
  text,
  spans,
  other,
  role,
}: {
  text: string;
  spans: Span[];
  other: Span[];
  role: string;
}) {
  const otherKeys = new Set(other.map(keyOf));
  return (
    <span className="bench-spantext" data-role={role}>
      {spanPieces(text, spans).map((piece, i) =>
        piece.span ? (
          <mark
            key={i}
            className={`bench-span ${otherKeys.has(keyOf(piece.span)) ? 'bench-span-match' : 'bench-span-miss'}`}
            data-testid="entity-span"
            data-label={piece.span.label}
            title={`${piece.span.label} [${piece.span.start}, ${piece.span.end})`}
          >
            {piece.text}
            <sub>{piece.span.label}</sub>
          </mark>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </span>
  );
}

function recordOf(data: BenchmarkData, index: number): Record<string, unknown> {
  return data.records[index] as unknown as Record<string, unknown>;
}

/** Gold vs one or two predictions of the same example. */
export function EvaluatedExample({
  data,
  gold,
  predictions,
}: {
  data: BenchmarkData;
  gold: ExamplePrediction;
  /** Named predictions to show against the gold (one in the error browser, two for disagreements). */
  predictions: { name: string; prediction: ExamplePrediction }[];
}) {
  const record = recordOf(data, gold.index);
  return (
    <li className="bench-example" data-testid="evaluated-example">
      <div className="small muted">
        #{gold.index + 1}
        {gold.id !== String(gold.index) ? ` · id ${gold.id}` : ''}
      </div>
      {gold.task === 'ner' ? (
        <dl className="bench-example-rows">
          <dt>gold</dt>
          <dd>
            <SpanText text={String(record.text)} spans={gold.gold} other={[]} role="gold" />
          </dd>
          {predictions.map(({ name, prediction }) =>
            prediction.task === 'ner' ? (
              <div key={name} className="bench-example-row">
                <dt>{name}</dt>
                <dd>
                  <SpanText
                    text={String(record.text)}
                    spans={prediction.prediction}
                    other={gold.gold}
                    role="predicted"
                  />
                </dd>
              </div>
            ) : null,
          )}
        </dl>
      ) : (
        <dl className="bench-example-rows">
          <dt>input</dt>
          <dd className="bench-example-input">
            {gold.task === 'pair'
              ? `${String(record.textA)} ‖ ${String(record.textB)}`
              : gold.task === 'qa'
                ? `${String(record.question)} — ${String(record.context).slice(0, 200)}${String(record.context).length > 200 ? '…' : ''}`
                : gold.task === 'mc'
                  ? `${String(record.question)} — ${(record.choices as string[]).map((c, i) => `(${i}) ${c}`).join(' ')}`
                  : String(record.text)}
          </dd>
          <dt>gold</dt>
          <dd>
            {Array.isArray(gold.gold)
              ? gold.gold.map((g) => JSON.stringify(g)).join(' / ')
              : String(gold.gold)}
          </dd>
          {predictions.map(({ name, prediction }) => (
            <div key={name} className="bench-example-row">
              <dt>{name}</dt>
              <dd>
                {prediction.task === 'qa'
                  ? JSON.stringify(prediction.prediction)
                  : String(prediction.prediction)}
                {'score' in prediction ? (
                  <span className="small muted"> ({prediction.score.toFixed(3)})</span>
                ) : null}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
