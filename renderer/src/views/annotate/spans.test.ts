import { describe, expect, it } from 'vitest';
import type { AnnotationSpan } from '../../../../shared/ipc';
import {
  checkNewSpan,
  countByLabel,
  findOverlap,
  layoutText,
  liveSuggestions,
  planAcceptAll,
  spanAt,
  spanProvenance,
  withLiveSuggestions,
} from './spans';

let nextId = 1;
function span(
  start: number,
  end: number,
  label: string,
  extra: Partial<AnnotationSpan> = {},
): AnnotationSpan {
  return {
    id: nextId++,
    start,
    end,
    label,
    source: 'annotator',
    author: 'test',
    score: null,
    checkpointId: null,
    createdAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}
const model = (start: number, end: number, label: string, score: number) =>
  span(start, end, label, { source: 'model', score, checkpointId: 'demo', author: null });

// A real People's Daily sentence, plus a CJK Extension B character (two UTF-16 units) to shift offsets.
const sentence = '中共中央致中国致公党十一大的贺词';
const withExtB = '𠀋小明在北京'; // 𠀋 is U+2000B

describe('overlap checks', () => {
  const spans = [span(0, 4, 'ORG'), span(5, 10, 'ORG')];

  it('finds the span that shares a character, and only then', () => {
    expect(findOverlap(spans, { start: 3, end: 5 })?.start).toBe(0);
    expect(findOverlap(spans, { start: 4, end: 5 })).toBeNull(); // touching is not overlapping
    expect(findOverlap(spans, { start: 9, end: 12 })?.start).toBe(5);
    expect(findOverlap(spans, { start: 0, end: 4 }, spans[0].id)).toBeNull();
  });

  it('spanAt picks the span under a character', () => {
    expect(spanAt(spans, 4)).toBeNull();
    expect(spanAt(spans, 9)?.start).toBe(5);
    expect(spanAt(spans, 10)).toBeNull();
  });

  it('refuses an overlapping span with a message that quotes both spans', () => {
    const check = checkNewSpan(sentence, spans, { start: 2, end: 7 }, 'LOC');
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toContain('“中央致中国”');
    expect(check.reason).toContain('ORG span “中共中央”');
    expect(check.reason).toContain('overlaps');
  });

  it('accepts a free range, refuses empty, out-of-text and duplicate ones', () => {
    expect(checkNewSpan(sentence, spans, { start: 10, end: 13 }, 'ORG')).toEqual({ ok: true });
    expect(checkNewSpan(sentence, spans, { start: 4, end: 4 }, 'ORG').ok).toBe(false);
    const outside = checkNewSpan(sentence, spans, { start: 14, end: 17 }, 'ORG');
    expect(outside.ok || outside.reason).toContain('outside the text (0–16)');
    const duplicate = checkNewSpan(sentence, spans, { start: 0, end: 4 }, 'ORG');
    expect(duplicate.ok || duplicate.reason).toContain('already labelled ORG');
  });

  it('measures the text in code points, so a non-BMP character counts once', () => {
    expect(checkNewSpan(withExtB, [], { start: 4, end: 6 }, 'LOC')).toEqual({ ok: true });
    const tooFar = checkNewSpan(withExtB, [], { start: 4, end: 7 }, 'LOC');
    expect(tooFar.ok || tooFar.reason).toContain('(0–6)');
    const quoted = checkNewSpan(withExtB, [span(0, 3, 'PER')], { start: 2, end: 4 }, 'LOC');
    expect(quoted.ok || quoted.reason).toContain('“𠀋小明”');
  });
});

describe('accept all', () => {
  it('takes the best suggestions that fit, drops exact duplicates, leaves conflicts', () => {
    const working = [span(0, 4, 'ORG')];
    const suggestions = [
      model(0, 4, 'ORG', 0.99), // duplicate of the working span
      model(3, 6, 'LOC', 0.9), // overlaps the working span
      model(5, 10, 'ORG', 0.8),
      model(8, 12, 'PER', 0.7), // overlaps the better 5-10 suggestion
      model(12, 14, 'PER', 0.6),
    ];
    const plan = planAcceptAll(working, suggestions);
    expect(plan.accept.map((s) => [s.start, s.end])).toEqual([
      [5, 10],
      [12, 14],
    ]);
    expect(plan.duplicates.map((s) => s.start)).toEqual([0]);
    expect(plan.conflicts.map((s) => [s.start, s.label])).toEqual([
      [3, 'LOC'],
      [8, 'PER'],
    ]);
  });

  it('prefers the higher score whichever comes first', () => {
    const plan = planAcceptAll([], [model(0, 2, 'PER', 0.4), model(1, 3, 'LOC', 0.9)]);
    expect(plan.accept.map((s) => s.label)).toEqual(['LOC']);
    expect(plan.conflicts.map((s) => s.label)).toEqual(['PER']);
  });
});

describe('layout', () => {
  it('groups working spans and covers every character once, in order', () => {
    const groups = layoutText(sentence, [span(5, 10, 'ORG'), span(0, 4, 'ORG')]);
    expect(groups.map((g) => [g.kind, g.chars.map((c) => c.char).join('')])).toEqual([
      ['span', '中共中央'],
      ['plain', '致'],
      ['span', '中国致公党'],
      ['plain', '十一大的贺词'],
    ]);
    expect(groups.flatMap((g) => g.chars.map((c) => c.offset))).toEqual([...Array(16).keys()]);
  });

  it('keeps a surrogate pair in one character and gives its UTF-16 offset', () => {
    const groups = layoutText(withExtB, [span(0, 3, 'PER')]);
    const chars = groups.flatMap((g) => g.chars);
    expect(chars.length).toBe(6);
    expect(chars[0]).toMatchObject({ offset: 0, utf16: 0, char: '𠀋' });
    expect(chars[1]).toMatchObject({ offset: 1, utf16: 2, char: '小' });
    expect(chars[5]).toMatchObject({ offset: 5, utf16: 6, char: '京' });
    expect(groups[0]).toMatchObject({ kind: 'span' });
    expect(groups[0].chars.map((c) => c.char).join('')).toBe('𠀋小明');
  });

  it('decorates characters with the best model suggestion and marks its ends', () => {
    const groups = layoutText(withExtB, [], [model(3, 6, 'LOC', 0.5), model(4, 6, 'LOC', 0.9)]);
    const chars = groups.flatMap((g) => g.chars);
    expect(chars.map((c) => c.model?.span.score ?? null)).toEqual([null, null, null, 0.5, 0.9, 0.9]);
    expect(chars[4].model).toMatchObject({ first: true, last: false });
    expect(chars[5].model).toMatchObject({ first: false, last: true });
  });

  it('counts spans per label', () => {
    expect([...countByLabel([span(0, 1, 'PER'), span(2, 3, 'LOC'), span(4, 5, 'PER')])]).toEqual([
      ['PER', 2],
      ['LOC', 1],
    ]);
  });
});

describe('liveSuggestions', () => {
  const a = model(0, 2, 'PER', 0.9);
  const rejectedByMe = {
    ...model(3, 5, 'LOC', 0.8),
    decisions: [{ author: 'me', decision: 'rejected' as const }],
  };
  const acceptedByOther = {
    ...model(6, 8, 'ORG', 0.7),
    decisions: [{ author: 'other', decision: 'accepted' as const }],
  };
  const otherCheckpoint = { ...model(9, 10, 'PER', 0.6), checkpointId: 'older' };
  const all = [a, rejectedByMe, acceptedByOther, otherCheckpoint];

  it("shows the picked checkpoint's suggestions still pending for this annotator", () => {
    expect(liveSuggestions(all, 'me', 'demo')).toEqual([a, acceptedByOther]);
    expect(liveSuggestions(all, 'other', 'demo')).toEqual([a, rejectedByMe]);
    expect(liveSuggestions(all, 'me', 'older')).toEqual([otherCheckpoint]);
  });

  it('shows none with "No model" picked, and leaves a view alone when nothing is filtered', () => {
    expect(liveSuggestions(all, 'me', null)).toEqual([]);
    const view = { modelSpans: [a] };
    expect(withLiveSuggestions(view, 'me', 'demo')).toBe(view);
    expect(withLiveSuggestions({ modelSpans: all }, 'me', null).modelSpans).toEqual([]);
  });
});

describe('spanProvenance', () => {
  it('names the checkpoint and score of accepted suggestions, and manual and gold spans', () => {
    const accepted = span(0, 2, 'PER', {
      origin: 'prediction',
      checkpointId: 'demo',
      score: 0.934,
      author: 'ann',
    });
    expect(spanProvenance(accepted, new Map([['demo', 'NEZHA tiny']]))).toBe(
      'PER 0–2 · suggested by NEZHA tiny (score 0.93), accepted by ann',
    );
    expect(spanProvenance({ ...accepted, origin: 'prediction-changed' })).toBe(
      'PER 0–2 · suggested by demo (score 0.93), accepted with a change by ann',
    );
    expect(spanProvenance(span(1, 3, 'LOC', { origin: 'manual' }))).toBe('LOC 1–3 · manual by test');
    expect(spanProvenance(span(1, 3, 'LOC', { source: 'gold', author: null }))).toBe(
      'LOC 1–3 · from the imported file',
    );
  });
});
