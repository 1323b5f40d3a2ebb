import { useState } from 'react';
import { annotatorNameSchema } from '../../../../../shared/ipc';
import { SettingsStore } from '../../../state/settings';

/** The annotator name setting: the author of every edit; saved on Enter or when the field loses focus. */
export function AnnotatorName() {
  const saved = SettingsStore.use((s) => s.settings.annotatorName);
  const update = SettingsStore.use((s) => s.update);
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? saved;
  const parsed = annotatorNameSchema.safeParse(value);
  const problem = parsed.success ? null : parsed.error.issues[0]?.message;

  const commit = () => {
    if (draft === null) return;
    if (!parsed.success || parsed.data === saved) {
      if (parsed.success) setDraft(null);
      return;
    }
    void update({ annotatorName: parsed.data }).then(
      () => setDraft(null),
      () => undefined, // the client shows the refusal; the draft stays for correction
    );
  };

  return (
    <label className="annotator-name" title={problem ?? 'Every edit you make is saved under this name'}>
      <span className="muted">Annotator</span>
      <input
        className="input"
        aria-label="Annotator name"
        aria-invalid={problem ? true : undefined}
        value={value}
        maxLength={200}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          // Enter saves (on blur) and hands the keyboard back to the Annotate view's hotkeys.
          if (e.key === 'Enter') e.currentTarget.blur();
          // Keys typed here must not reach the Annotate view's hotkeys.
          e.stopPropagation();
        }}
        onBlur={commit}
      />
    </label>
  );
}
