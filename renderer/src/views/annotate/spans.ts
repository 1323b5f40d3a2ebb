/**
 * Pure span logic for the Annotate view. Every offset here counts Unicode CODE POINTS, end exclusive,
 * like the dataset store (shared/ipc.ts); the text component converts to UTF-16 only for the DOM.
 */
import { OffsetMap } from '../../../../shared/datasets/offsets';
import type { AnnotationSpan } from '../../../../shared/ipc';

export interface CodePointRange {
  start: number;
  end: number;
}

/** True when two half-open ranges share at least one character. */
export function rangesOverlap(a: CodePointRange, b: CodePointRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The first span (by start) that shares a character with `range`, ignoring the span `ignoreId`. */
export function findOverlap<S extends CodePointRange & { id?: number }>(
  spans: readonly S[],
  range: CodePointRange,
  ignoreId?: number,
): S | null {
  for (const span of spans) if (span.id !== ignoreId && rangesOverlap(span, range)) return span;
  return null;
}

/** The span that contains character `offset`, or null. */
export function spanAt<S extends CodePointRange>(spans: readonly S[], offset: number): S | null {
  for (const span of spans) if (span.start <= offset && offset < span.end) return span;
  return null;
}

export type SpanCheck = { ok: true } | { ok: false; reason: string };

/**
 * Can a new span `range` labelled `label` be added to `text` next to the existing working spans?
 * The reason, when not, is the message a person sees (it quotes the characters involved).
 */
export function checkNewSpan(
  text: string,
  spans: readonly AnnotationSpan[],
  range: CodePointRange,
  label: string,
): SpanCheck {
  const map = new OffsetMap(text);
  const length = map.codePointLength;
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.end > length)
    return {
      ok: false,
      reason: `The selection ${range.start}–${range.end} is outside the text (0–${length}).`,
    };
  if (range.end <= range.start) return { ok: false, reason: 'Select at least one character first.' };
  const clash = findOverlap(spans, range);
  if (clash) {
    if (clash.start === range.start && clash.end === range.end && clash.label === label)
      return { ok: false, reason: `“${map.slice(range.start, range.end)}” is already labelled ${label}.` };
    return {
      ok: false,
      reason:
        `“${map.slice(range.start, range.end)}” (${range.start}–${range.end}) overlaps the ${clash.label} span ` +
        `“${map.slice(clash.start, clash.end)}” (${clash.start}–${clash.end}). Spans may not overlap: ` +
        `remove or relabel that span first (click it, or select it and press Delete).`,
    };
  }
  return { ok: true };
}

export interface AcceptPlan {
  /** Model spans that can become annotator spans as they are. */
  accept: AnnotationSpan[];
  /** Model spans that repeat a working span exactly (same range and label): nothing to add, drop them. */
  duplicates: AnnotationSpan[];
  /** Model spans that overlap a working span or a better-scored suggestion: left for a person to decide. */
  conflicts: AnnotationSpan[];
}

/**
 * Which suggestions "accept all" may take without ever producing overlapping spans: highest score
 * first, each one kept only if it overlaps neither the working annotation nor an already kept one.
 */
export function planAcceptAll(
  spans: readonly AnnotationSpan[],
  modelSpans: readonly AnnotationSpan[],
): AcceptPlan {
  const plan: AcceptPlan = { accept: [], duplicates: [], conflicts: [] };
  const byScore = [...modelSpans].sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.start - b.start);
  for (const suggestion of byScore) {
    const same = spans.find(
      (s) => s.start === suggestion.start && s.end === suggestion.end && s.label === suggestion.label,
    );
    if (same) plan.duplicates.push(suggestion);
    else if (findOverlap(spans, suggestion) || findOverlap(plan.accept, suggestion))
      plan.conflicts.push(suggestion);
    else plan.accept.push(suggestion);
  }
  const byStart = (a: AnnotationSpan, b: AnnotationSpan) => a.start - b.start || a.end - b.end;
  plan.accept.sort(byStart);
  plan.duplicates.sort(byStart);
  plan.conflicts.sort(byStart);
  return plan;
}

/** One character of the text as the component draws it. */
export interface LayoutChar {
  /** Code point offset. */
  offset: number;
  /** UTF-16 offset of the character in the text (for DOM ranges). */
  utf16: number;
  /** The character: one code point, one or two UTF-16 units. */
  char: string;
  /** The best-scored model suggestion covering this character, with whether it starts/ends here. */
  model: { span: AnnotationSpan; first: boolean; last: boolean } | null;
}

export type LayoutGroup =
  { kind: 'plain'; chars: LayoutChar[] } | { kind: 'span'; span: AnnotationSpan; chars: LayoutChar[] };

/**
 * Splits a text into runs for drawing: working spans become groups (one element each, so a click
 * anywhere on it picks the span), the rest is plain. Model suggestions may overlap working spans,
 * so they decorate single characters instead.
 */
export function layoutText(
  text: string,
  spans: readonly AnnotationSpan[],
  modelSpans: readonly AnnotationSpan[] = [],
): LayoutGroup[] {
  const map = new OffsetMap(text);
  const length = map.codePointLength;
  const chars: LayoutChar[] = [];
  for (let offset = 0; offset < length; offset++) {
    const utf16 = map.toUtf16(offset);
    chars.push({ offset, utf16, char: text.slice(utf16, map.toUtf16(offset + 1)), model: null });
  }
  const byScore = [...modelSpans].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  for (const suggestion of byScore) {
    const start = Math.max(0, suggestion.start);
    const end = Math.min(length, suggestion.end);
    for (let offset = start; offset < end; offset++) {
      if (chars[offset].model) continue;
      chars[offset].model = { span: suggestion, first: offset === start, last: offset === end - 1 };
    }
  }

  const sorted = [...spans]
    .filter((s) => s.start < s.end && s.end <= length)
    .sort((a, b) => a.start - b.start);
  const groups: LayoutGroup[] = [];
  let cursor = 0;
  for (const span of sorted) {
    if (span.start < cursor) continue; // overlapping input (never stored): draw the first one only
    if (span.start > cursor) groups.push({ kind: 'plain', chars: chars.slice(cursor, span.start) });
    groups.push({ kind: 'span', span, chars: chars.slice(span.start, span.end) });
    cursor = span.end;
  }
  if (cursor < length) groups.push({ kind: 'plain', chars: chars.slice(cursor) });
  return groups;
}

/** Counts of working spans per label for one example (the progress panel sums the store's stats). */
export function countByLabel(spans: readonly AnnotationSpan[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(span.label, (counts.get(span.label) ?? 0) + 1);
  return counts;
}

/**
 * The suggestions one annotator is shown: those of the picked checkpoint that are still pending for them
 * (no decision of theirs; another annotator's decision does not count). With no checkpoint picked ("No
 * model") none are shown: stored suggestions are never presented as if a model were running, and Accept
 * all has nothing to take. They stay stored and come back, minus the decided ones, when that checkpoint is
 * picked again.
 */
export function liveSuggestions(
  modelSpans: readonly AnnotationSpan[],
  author: string,
  checkpointId: string | null,
): AnnotationSpan[] {
  if (checkpointId === null) return [];
  return modelSpans.filter(
    (s) => s.checkpointId === checkpointId && !s.decisions?.some((d) => d.author === author),
  );
}

/** The example as one annotator sees it with `checkpointId` picked: only live suggestions (above). */
export function withLiveSuggestions<V extends { modelSpans: AnnotationSpan[] }>(
  view: V,
  author: string,
  checkpointId: string | null,
): V {
  const modelSpans = liveSuggestions(view.modelSpans, author, checkpointId);
  return modelSpans.length === view.modelSpans.length ? view : { ...view, modelSpans };
}

/** A working span's provenance for its tooltip: who made it and, for accepted suggestions, from what. */
export function spanProvenance(
  span: AnnotationSpan,
  checkpointNames: ReadonlyMap<string, string> = new Map(),
): string {
  const where = `${span.label} ${span.start}–${span.end}`;
  if (span.source === 'gold') return `${where} · from the imported file`;
  const by = span.author ? ` by ${span.author}` : '';
  if (span.origin === 'prediction' || span.origin === 'prediction-changed') {
    const model = span.checkpointId
      ? (checkpointNames.get(span.checkpointId) ?? span.checkpointId)
      : 'a model';
    const score = span.score !== null ? ` (score ${span.score.toFixed(2)})` : '';
    const how = span.origin === 'prediction' ? 'accepted' : 'accepted with a change';
    return `${where} · suggested by ${model}${score}, ${how}${by}`;
  }
  return `${where} · manual${by}`;
}
