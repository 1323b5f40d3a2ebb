/**
 * The annotator's edits on the open example: selection and caret, the picked span, and every change (add,
 * relabel, remove, undo, redo, accept or reject suggestions, mark done), each one acknowledged write.
 */
import type { AnnotationOp } from '../../../../../shared/ipc';
import { moveCaret, selectedRange } from '../selection';
import { checkNewSpan, liveSuggestions, planAcceptAll, spanAt } from '../spans';
import type { EditSlice } from './types';
import type { AnnotateCore } from './writes';

export function createEditSlice(core: AnnotateCore): EditSlice {
  const { deps, get, set, notify } = core;
  const { api } = deps;
  /** The suggestions this annotator sees on the open example (pending, of the picked checkpoint). */
  const pending = () => {
    const { current, model } = get();
    if (!current) return [];
    return liveSuggestions(
      current.modelSpans,
      core.author(),
      model.state === 'none' ? null : model.checkpointId,
    );
  };

  const apply = (ops: AnnotationOp[]) => {
    const current = get().current;
    if (!current) return Promise.resolve();
    return core.write(() =>
      api.annotations.apply({
        exampleId: current.id,
        ops,
        author: core.author(),
        expectedRevision: get().current?.id === current.id ? get().current?.revision : undefined,
      }),
    );
  };

  return {
    selection: null,
    pickedSpanId: null,
    save: { state: 'idle' },

    setSelection(selection) {
      set({ selection, pickedSpanId: null });
    },

    moveCaret(move, wordStops) {
      const current = get().current;
      if (!current) return;
      set({
        selection: moveCaret(get().selection, move, Array.from(current.text).length, wordStops),
        pickedSpanId: null,
      });
    },

    pickSpan(spanId) {
      set({ pickedSpanId: spanId, selection: null });
    },

    async labelSelection(label) {
      const current = core.currentOrWarn();
      if (!current) return;
      const picked = get().pickedSpanId;
      if (picked !== null) return get().relabelSpan(picked, label);
      const range = selectedRange(get().selection);
      if (!range) {
        notify(
          'Select characters first',
          `Drag over the characters (or Shift+→) then press the key for ${label}.`,
          'info',
        );
        return;
      }
      const check = checkNewSpan(current.text, current.spans, range, label);
      if (!check.ok) {
        notify('Span refused', check.reason);
        return;
      }
      set({ selection: null });
      await apply([{ op: 'add', start: range.start, end: range.end, label }]);
    },

    async relabelSpan(spanId, label) {
      const span = get().current?.spans.find((s) => s.id === spanId);
      if (!span || span.label === label) return;
      set({ pickedSpanId: null });
      await apply([{ op: 'relabel', spanId, label }]);
    },

    async removeSpan(spanId) {
      const { current, selection } = get();
      if (!current) return;
      let id = spanId ?? get().pickedSpanId;
      if (id === null || id === undefined) {
        // No span picked: the one under the caret or covering the selection.
        const range = selectedRange(selection);
        const at = range ?? (selection ? { start: selection.focus, end: selection.focus + 1 } : null);
        id = at ? (spanAt(current.spans, at.start)?.id ?? null) : null;
      }
      if (id === null || id === undefined) {
        notify('Nothing to remove', 'Click a span (or put the caret on it) and press Delete.', 'info');
        return;
      }
      set({ pickedSpanId: null });
      await apply([{ op: 'remove', spanId: id }]);
    },

    async undo() {
      const current = core.currentOrWarn();
      if (!current) return;
      if (!current.canUndo) {
        notify('Nothing to undo', `Example #${current.index + 1} has no earlier edit.`, 'info');
        return;
      }
      await core.write(() => api.annotations.undo({ exampleId: current.id, author: core.author() }));
    },

    async redo() {
      const current = core.currentOrWarn();
      if (!current) return;
      if (!current.canRedo) {
        notify('Nothing to redo', `Example #${current.index + 1} has no undone edit.`, 'info');
        return;
      }
      await core.write(() => api.annotations.redo({ exampleId: current.id, author: core.author() }));
    },

    async acceptModel(spanIds) {
      const current = core.currentOrWarn();
      const suggestions = pending();
      if (!current || suggestions.length === 0) return;
      // Only pending suggestions: a rejected (or already accepted) one is never taken again.
      const plan = planAcceptAll(
        current.spans,
        spanIds ? suggestions.filter((s) => spanIds.includes(s.id)) : suggestions,
      );
      if (plan.conflicts.length && spanIds)
        notify(
          'Suggestion overlaps a span',
          plan.conflicts
            .map((s) => `${s.label} ${s.start}–${s.end} overlaps an existing span: remove that span first.`)
            .join(' '),
        );
      if (plan.accept.length)
        await core.write(() =>
          api.annotations.acceptModel({
            exampleId: current.id,
            spanIds: plan.accept.map((s) => s.id),
            author: core.author(),
          }),
        );
      if (plan.duplicates.length)
        await core.write(() =>
          api.annotations.rejectModel({
            exampleId: current.id,
            spanIds: plan.duplicates.map((s) => s.id),
            author: core.author(),
          }),
        );
      if (plan.conflicts.length && !spanIds)
        notify(
          `${plan.conflicts.length} suggestion${plan.conflicts.length > 1 ? 's' : ''} left for you`,
          'They overlap a span you already have; accept or reject them one by one.',
          'info',
        );
    },

    async rejectModel(spanIds) {
      const current = core.currentOrWarn();
      const suggestions = pending();
      if (!current || suggestions.length === 0) return;
      // Named ids, or every suggestion shown: never another checkpoint's that the person cannot see.
      const ids = suggestions.filter((s) => !spanIds || spanIds.includes(s.id)).map((s) => s.id);
      if (ids.length === 0) return;
      await core.write(() =>
        api.annotations.rejectModel({ exampleId: current.id, spanIds: ids, author: core.author() }),
      );
    },

    async acceptAllAndNext() {
      const current = core.currentOrWarn();
      if (!current) return;
      await get().acceptModel();
      await get().markDone();
      if (get().save.state === 'error') return;
      // On a team server the end of one's list is where the queue hands out the next example.
      if (core.teamUser() && get().position >= get().total - 1) await get().takeNext();
      else await get().step(1);
    },

    async markDone() {
      const current = core.currentOrWarn();
      // On a team server "done" is also this account's submission (the queue counts it), even when another
      // annotator of the example has already marked it done.
      if (!current || (current.status === 'done' && !core.teamUser())) return;
      await core.write(() =>
        api.examples.setStatus({ exampleId: current.id, status: 'done', author: core.author() }),
      );
    },
  };
}
