/**
 * The `?` overlay: every key of the Annotate view, printed from `keyBindings` (the same list the keys are
 * read with, so it cannot drift), then this dataset's label keys and how they were chosen. Escape, `?`,
 * the Close button or a click beside it closes it.
 */
import { useEffect, useRef } from 'react';
import type { LabelDefinition } from '../../../../shared/ipc';
import type { SegmenterStatus } from '../../lib/words/wordSegmenter';
import { formatChord, hotkeyOf, keyBindings, type BindingGroup } from './keyboard';

const groups: BindingGroup[] = ['Select', 'Suggestions', 'Edit', 'Move between sentences', 'Help'];

export function KeyboardHelp(props: {
  labels: readonly LabelDefinition[];
  hotkeys: Map<string, string>;
  words: SegmenterStatus;
  onClose(): void;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.focus({ preventScroll: true });
    return () => before?.focus?.();
  }, []);
  const labels = [...props.labels].sort((a, b) => a.position - b.position);

  return (
    <div
      className="keyboard-help-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}
    >
      <div
        ref={dialog}
        className="keyboard-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="keyboard-help-title"
        tabIndex={-1}
        data-testid="keyboard-help"
      >
        <header className="keyboard-help-header">
          <h2 id="keyboard-help-title">Keyboard</h2>
          <span className="spacer" />
          <button className="button button-small" onClick={props.onClose}>
            Close <kbd>Esc</kbd>
          </button>
        </header>
        <div className="keyboard-help-columns">
          {groups.map((group) => (
            <section key={group}>
              <h3>{group}</h3>
              <table className="keyboard-help-table">
                <tbody>
                  {keyBindings
                    .filter((binding) => binding.group === group)
                    .map((binding) => (
                      <tr key={binding.description} data-testid="key-binding">
                        <th scope="row">
                          {binding.chords.map((chord, i) => (
                            <span key={i}>
                              {i > 0 && ' / '}
                              <kbd>{formatChord(chord)}</kbd>
                            </span>
                          ))}
                        </th>
                        <td>{binding.description}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {group === 'Select' && (
                <p className="muted small" data-testid="keyboard-help-words">
                  {props.words.state === 'ready'
                    ? 'Words come from jieba, as in whole word masking.'
                    : props.words.state === 'loading'
                      ? 'jieba is loading: until then Ctrl+←/→ moves one character.'
                      : `jieba is unavailable (${props.words.message}): Ctrl+←/→ moves one character.`}
                </p>
              )}
            </section>
          ))}
          <section>
            <h3>Labels</h3>
            <table className="keyboard-help-table">
              <tbody>
                {labels.map((label) => {
                  const key = hotkeyOf(props.hotkeys, label.name);
                  return (
                    <tr key={label.name} data-testid="label-binding">
                      <th scope="row">{key ? <kbd>{key.toUpperCase()}</kbd> : '—'}</th>
                      <td>Label the selection {label.name}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="muted small">
              A label keeps its key in every dataset: PER/LOC/ORG are 1/2/3 and CLUENER’s ten labels have
              fixed keys; other labels take the free digits in alphabetical order, then letters (never A, X, J
              or K, which are commands).
            </p>
          </section>
        </div>
      </div>
    </div>
  );
}
