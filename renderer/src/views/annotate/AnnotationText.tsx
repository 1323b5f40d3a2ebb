/**
 * The sentence with its spans. Each code point is its own element (data-cp), so a drag snaps to
 * whole characters and a surrogate pair can never be split; working spans are one <mark> each (a
 * click anywhere on it picks the span); model suggestions are dashed outlines with their score. The
 * suggestion Tab focused is drawn solid, and a line under the sentence names it and its keys.
 */
import { useEffect, useMemo, useRef, type CSSProperties, type MouseEvent } from 'react';
import type { AnnotationSpan, ExampleView } from '../../../../shared/ipc';
import { selectedRange, selectionFromChars, type TextSelection } from './selection';
import { suggestionOrder } from './keyboard';
import { layoutText, spanProvenance, type LayoutChar } from './spans';
import { lowConfidenceThreshold } from './store';

export interface AnnotationTextProps {
  example: ExampleView;
  /** Checkpoint names by id, for the provenance of accepted suggestions (tooltips). */
  checkpointNames?: ReadonlyMap<string, string>;
  colors: Map<string, string>;
  selection: TextSelection | null;
  pickedSpanId: number | null;
  onSelect(selection: TextSelection | null): void;
  onPickSpan(spanId: number): void;
  /** The model suggestion the keyboard focused (Tab), or null. */
  focusedSuggestionId?: number | null;
  /** Whether Ctrl+←/→ moves by jieba word yet (`data-words`, for tests and the help). */
  words?: 'loading' | 'ready' | 'failed';
}

const fallbackColor = '#64748b';
const maxModelTags = 12;

function charOffset(target: EventTarget | null): number | null {
  const element = (target as Element | null)?.closest?.('[data-cp]');
  if (!element) return null;
  const value = Number(element.getAttribute('data-cp'));
  return Number.isInteger(value) ? value : null;
}

function spanIdAt(target: EventTarget | null): number | null {
  const element = (target as Element | null)?.closest?.('[data-span-id]');
  return element ? Number(element.getAttribute('data-span-id')) : null;
}

export function AnnotationText(props: AnnotationTextProps) {
  const { example, checkpointNames, colors, selection, pickedSpanId, onSelect, onPickSpan } = props;
  const focused = example.modelSpans.find((s) => s.id === props.focusedSuggestionId) ?? null;
  const root = useRef<HTMLDivElement>(null);
  // Keyboard focus on a suggestion: the sentence takes DOM focus (so Tab past the last suggestion moves
  // on from here) and the suggestion scrolls into view in a long text.
  useEffect(() => {
    if (!focused || !root.current) return;
    if (document.activeElement !== root.current) root.current.focus({ preventScroll: true });
    root.current.querySelector(`[data-cp="${focused.start}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [focused]);
  const groups = useMemo(
    () => layoutText(example.text, example.spans, example.modelSpans),
    [example.text, example.spans, example.modelSpans],
  );
  const drag = useRef<{ anchor: number; moved: boolean; spanId: number | null } | null>(null);
  const range = selectedRange(selection);
  const caret = selection && !range ? selection.focus : null;
  const length = groups.reduce((n, g) => n + g.chars.length, 0);
  // Label + score after each suggestion reads well for a few; with many the hover title says it.
  const showModelTags = example.modelSpans.length <= maxModelTags;

  const onMouseDown = (event: MouseEvent) => {
    if (event.button !== 0) return;
    const offset = charOffset(event.target);
    if (offset === null) return;
    event.preventDefault(); // no native text selection: ours is in code points
    // No scroll on focus: the page must not move between this press and its release (a click would become a drag).
    (event.currentTarget as HTMLElement).focus({ preventScroll: true });
    if (event.shiftKey && selection) {
      const anchorChar = selection.anchor <= offset ? selection.anchor : selection.anchor - 1;
      onSelect(selectionFromChars(anchorChar, offset));
      return;
    }
    drag.current = { anchor: offset, moved: false, spanId: spanIdAt(event.target) };
  };
  const onMouseMove = (event: MouseEvent) => {
    if (!drag.current || (event.buttons & 1) === 0) return;
    const offset = charOffset(event.target);
    if (offset === null) return;
    if (offset !== drag.current.anchor) drag.current.moved = true;
    if (drag.current.moved) onSelect(selectionFromChars(drag.current.anchor, offset));
  };
  const onMouseUp = (event: MouseEvent) => {
    const state = drag.current;
    drag.current = null;
    if (!state) return;
    const offset = charOffset(event.target) ?? state.anchor;
    if (!state.moved && offset === state.anchor) {
      // A click: on a span it opens the span's menu, elsewhere it selects that one character.
      if (state.spanId !== null) onPickSpan(state.spanId);
      else onSelect(selectionFromChars(offset, offset));
      return;
    }
    onSelect(selectionFromChars(state.anchor, offset));
  };

  const renderChar = (c: LayoutChar) => {
    const classes = ['ch'];
    if (range && c.offset >= range.start && c.offset < range.end) classes.push('selected');
    if (caret === c.offset) classes.push('caret');
    if (focused && c.offset >= focused.start && c.offset < focused.end) {
      classes.push('suggestion-focused');
      if (c.offset === focused.start) classes.push('suggestion-focused-first');
      if (c.offset === focused.end - 1) classes.push('suggestion-focused-last');
    }
    let tag = null;
    let style: CSSProperties | undefined;
    if (c.model) {
      classes.push('model');
      if (c.model.first) classes.push('model-first');
      if (c.model.last) classes.push('model-last');
      if ((c.model.span.score ?? 1) < lowConfidenceThreshold) classes.push('model-low');
      style = { '--model-color': colors.get(c.model.span.label) ?? fallbackColor } as CSSProperties;
      if (c.model.last && (showModelTags || c.model.span.id === focused?.id))
        tag = <ModelTag span={c.model.span} focused={c.model.span.id === focused?.id} />;
    }
    return (
      <span key={c.offset} className="ch-wrap">
        <span
          className={classes.join(' ')}
          data-cp={c.offset}
          data-u16={c.utf16}
          style={style}
          title={
            c.model ? `Suggested ${c.model.span.label} (${(c.model.span.score ?? 0).toFixed(2)})` : undefined
          }
        >
          {c.char}
        </span>
        {tag}
      </span>
    );
  };

  return (
    <>
      <div
        ref={root}
        className="annotation-text"
        data-testid="annotation-text"
        data-words={props.words}
        tabIndex={0}
        role="group"
        aria-label={`Sentence ${example.index + 1}: select characters, then press a label's key`}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={onMouseUp}
        onMouseLeave={() => {
          if (drag.current?.moved) drag.current = null;
        }}
      >
        {groups.map((group) =>
          group.kind === 'plain' ? (
            group.chars.map(renderChar)
          ) : (
            <mark
              key={`s${group.span.id}`}
              className={`span span-${group.span.source}${group.span.id === pickedSpanId ? ' picked' : ''}`}
              data-span-id={group.span.id}
              data-label={group.span.label}
              data-testid="span"
              data-origin={group.span.origin ?? group.span.source}
              title={spanProvenance(group.span, checkpointNames)}
              style={{ '--label-color': colors.get(group.span.label) ?? fallbackColor } as CSSProperties}
            >
              {group.chars.map(renderChar)}
              <span className="span-label" aria-hidden="true">
                {group.span.label}
              </span>
            </mark>
          ),
        )}
        <span className={caret === length ? 'ch end caret' : 'ch end'} aria-hidden="true">
          {' '}
        </span>
      </div>
      <SuggestionFocusLine text={example.text} suggestions={example.modelSpans} focused={focused} />
    </>
  );
}

/** Which suggestion has the keyboard focus and what its keys do; read out by screen readers (polite). */
function SuggestionFocusLine(props: {
  text: string;
  suggestions: readonly AnnotationSpan[];
  focused: AnnotationSpan | null;
}) {
  const { focused } = props;
  const ordered = suggestionOrder(props.suggestions);
  return (
    <p className="muted small suggestion-focus-line" aria-live="polite" data-testid="suggestion-focus">
      {focused ? (
        <>
          Suggestion {ordered.findIndex((s) => s.id === focused.id) + 1} of {ordered.length}:{' '}
          <strong>{Array.from(props.text).slice(focused.start, focused.end).join('')}</strong> {focused.label}
          {focused.score !== null ? ` ${focused.score.toFixed(2)}` : ''} · <kbd>A</kbd> accept · <kbd>X</kbd>{' '}
          reject · <kbd>Tab</kbd> next · <kbd>Esc</kbd> leave
        </>
      ) : ordered.length > 0 ? (
        <>
          {ordered.length} suggestion{ordered.length > 1 ? 's' : ''}: <kbd>Tab</kbd> focuses one ·{' '}
          <kbd>?</kbd> all keys
        </>
      ) : (
        <>
          <kbd>?</kbd> all keys
        </>
      )}
    </p>
  );
}

function ModelTag({ span, focused }: { span: AnnotationSpan; focused: boolean }) {
  return (
    <span
      className={focused ? 'model-tag focused' : 'model-tag'}
      data-testid="model-span"
      data-label={span.label}
      aria-hidden="true"
    >
      {span.label} {span.score !== null ? span.score.toFixed(2) : ''}
    </span>
  );
}
