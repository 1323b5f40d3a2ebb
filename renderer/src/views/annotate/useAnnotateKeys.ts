/**
 * The Annotate view's keyboard, wired: one window keydown listener runs `commandForKey`'s commands on the
 * store, and this hook keeps what only the keyboard needs: the focused model suggestion (Tab / Shift+Tab,
 * A accepts, X rejects), the help overlay (`?`), and the jieba word segmenter for Ctrl+←/→ (a worker,
 * created with the workbench and stopped with it).
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { SettingsStore } from '../../state/settings';
import { useToasts } from '../../state/toasts';
import { createWordSegmenter, type SegmenterStatus } from '../../lib/words/wordSegmenter';
import { commandForKey, focusAfterDecision, nextSuggestionFocus } from './keyboard';
import { liveSuggestions } from './spans';
import { AnnotateStore, type AnnotateState } from './store';

/** The suggestions the annotator sees and decides on: pending, of the picked checkpoint (spans.ts). */
function shownSuggestions(state: AnnotateState, author: string) {
  const checkpointId = state.model.state === 'none' ? null : state.model.checkpointId;
  return liveSuggestions(state.current?.modelSpans ?? [], author, checkpointId);
}

export interface AnnotateKeys {
  /** The suggestion Tab focused (its id), or null. */
  focusedSuggestionId: number | null;
  helpOpen: boolean;
  setHelpOpen(open: boolean): void;
  /** Whether Ctrl+←/→ moves by jieba word yet (else by character). */
  words: SegmenterStatus;
}

/** Commands that change the example: ignored on a read-only dataset (navigation still works). */
const editCommands = new Set([
  'label',
  'remove-span',
  'undo',
  'redo',
  'accept-all',
  'accept-all-and-next',
  'accept-suggestion',
  'reject-suggestion',
]);

export function useAnnotateKeys(options: {
  hotkeys: Map<string, string>;
  /** While reviewing: the review has its own buttons. */
  disabled: boolean;
  /** A read-only gold set: only moving around works. */
  readOnly?: boolean;
}): AnnotateKeys {
  const { hotkeys, disabled, readOnly = false } = options;
  const store = AnnotateStore.useApi();
  const current = AnnotateStore.use((s) => s.current);
  const selection = AnnotateStore.use((s) => s.selection);
  const model = AnnotateStore.use((s) => s.model);
  const author = SettingsStore.use((s) => s.settings.annotatorName);
  const authorRef = useRef(author);
  authorRef.current = author;
  const [segmenter] = useState(() => createWordSegmenter());
  const words = useSyncExternalStore(segmenter.subscribe, segmenter.status);
  const [helpOpen, setHelpOpen] = useState(false);
  const [focusedId, setFocusedId] = useState<number | null>(null);
  // The listener reads these at key time: a second key pressed before React re-rendered sees the first's effect.
  const focused = useRef<number | null>(null);
  const help = useRef(false);
  const focus = (id: number | null) => {
    focused.current = id;
    setFocusedId(id);
  };
  const showHelp = (open: boolean) => {
    help.current = open;
    setHelpOpen(open);
  };

  useEffect(() => () => segmenter.dispose(), [segmenter]);
  const text = current?.text;
  useEffect(() => {
    if (text !== undefined) segmenter.prepare([text]);
  }, [segmenter, text]);
  // Another sentence, or a selection made (by mouse or Shift+arrows): the suggestion focus is dropped.
  const exampleId = current?.id;
  useEffect(() => focus(null), [exampleId]);
  useEffect(() => {
    if (selection) focus(null);
  }, [selection]);

  useEffect(() => {
    const notify = (title: string, detail: string) =>
      useToasts.getState().push({ kind: 'info', title, detail });

    /** Accept or reject the focused suggestion; focus moves on at once, so a quick second key acts on the next. */
    const decide = async (decision: 'accept' | 'reject') => {
      const s = store.getState();
      const id = focused.current;
      const suggestions = shownSuggestions(s, authorRef.current);
      if (id === null || !suggestions.some((span) => span.id === id)) {
        notify(
          suggestions.length ? 'No suggestion focused' : 'No suggestions here',
          suggestions.length
            ? `Press Tab to focus a suggestion, then A accepts it and X rejects it.`
            : 'Pick a checkpoint in the Model panel to get suggestions, or label spans yourself.',
        );
        return;
      }
      const after = focusAfterDecision(suggestions, id);
      focus(after);
      await (decision === 'accept' ? s.acceptModel([id]) : s.rejectModel([id]));
      // Refused (it overlaps a span): the suggestion is still there, and keeps the focus.
      const live = shownSuggestions(store.getState(), authorRef.current);
      if (live.some((span) => span.id === id) && focused.current === after) focus(id);
    };

    const onKey = (event: KeyboardEvent) => {
      if (help.current) {
        // The help is modal: Escape or ? closes it; other keys do nothing underneath it.
        if (event.key === 'Escape' || event.key === '?') {
          event.preventDefault();
          showHelp(false);
        }
        return;
      }
      if (disabled) return; // the review has its own buttons; hotkeys would edit the hidden example
      const target = event.target as HTMLElement | null;
      const inEditableField = Boolean(target?.closest('input, textarea, select, [contenteditable="true"]'));
      const command = commandForKey(event, { hotkeys, inEditableField });
      if (!command) return;
      if (readOnly && editCommands.has(command.type)) return;
      // Buttons keep Enter/Space for themselves.
      if (command.type === 'accept-all-and-next' && target?.closest('button, a')) return;
      const s = store.getState();
      if (command.type === 'focus-suggestion') {
        // Tab walks the suggestions from the sentence (or from nowhere); elsewhere it moves focus as usual.
        const fromSentence =
          !target || target === document.body || Boolean(target.closest('.annotation-text'));
        if (!fromSentence) return;
        const next = nextSuggestionFocus(
          shownSuggestions(s, authorRef.current),
          focused.current,
          command.direction,
        );
        focus(next);
        if (next !== null) event.preventDefault(); // past either end the browser moves focus on
        return;
      }
      event.preventDefault();
      switch (command.type) {
        case 'label':
          return void s.labelSelection(command.label);
        case 'caret':
          focus(null);
          return s.moveCaret(command.move, s.current ? segmenter.stops(s.current.text) : null);
        case 'accept-suggestion':
          return void decide('accept');
        case 'reject-suggestion':
          return void decide('reject');
        case 'remove-span':
          return void (focused.current !== null ? decide('reject') : s.removeSpan());
        case 'undo':
          return void s.undo();
        case 'redo':
          return void s.redo();
        case 'accept-all':
          return void s.acceptModel();
        case 'accept-all-and-next':
          return void s.acceptAllAndNext();
        case 'next':
          return void s.step(1);
        case 'prev':
          return void s.step(-1);
        case 'help':
          return showHelp(true);
        case 'escape':
          if (s.pickedSpanId !== null) s.pickSpan(null);
          else if (focused.current !== null) focus(null);
          else s.setSelection(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, hotkeys, disabled, readOnly, segmenter]);

  const shown = current ? shownSuggestions({ current, model } as AnnotateState, author) : [];
  const visible = focusedId !== null && shown.some((span) => span.id === focusedId) ? focusedId : null;
  return { focusedSuggestionId: visible, helpOpen, setHelpOpen: showHelp, words };
}
