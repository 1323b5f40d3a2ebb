/**
 * Splitting a text into plain and highlighted runs for the result views (entities, answers):
 * spans are UTF-16 [start, end) offsets as the pipelines return them (`startUtf16`/`endUtf16`).
 */
export interface HighlightSpan {
  start: number;
  end: number;
}

export type Segment<S extends HighlightSpan> = { text: string; start: number; end: number; span: S | null };

/**
 * Consecutive segments covering the whole text, in order. Overlapping spans: the one that starts
 * first wins and the later one is dropped (entities from one run never overlap; answers can).
 * Spans outside the text are clipped; empty ones are skipped.
 */
export function segmentText<S extends HighlightSpan>(text: string, spans: readonly S[]): Segment<S>[] {
  const sorted = spans
    .map((span) => ({ span, start: Math.max(0, span.start), end: Math.min(text.length, span.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: Segment<S>[] = [];
  let at = 0;
  for (const { span, start, end } of sorted) {
    if (start < at) continue;
    if (start > at) segments.push({ text: text.slice(at, start), start: at, end: start, span: null });
    segments.push({ text: text.slice(start, end), start, end, span });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), start: at, end: text.length, span: null });
  return segments;
}

const KNOWN_TYPES = ['PER', 'LOC', 'ORG', 'GPE', 'MISC', 'TIME', 'NUM', 'PRODUCT'];

/** A stable colour slot (0–7) per entity type: the common ones fixed, others hashed. */
export function typeColorSlot(type: string): number {
  const known = KNOWN_TYPES.indexOf(type.toUpperCase());
  if (known >= 0) return known;
  let hash = 0;
  for (const char of type) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 8;
}
