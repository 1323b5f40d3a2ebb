import { useState } from 'react';
import { annotatorNameSchema } from '../../../../../shared/ipc';
import { SessionStore } from '../../../state/session';
import { SettingsStore } from '../../../state/settings';

/**
 * The annotator name setting: the author of every edit; saved on Enter or when the field loses focus. On a
 * team server the signed-in account is the author (the server sets it on every edit), shown, not editable.
 */
export function AnnotatorName() {
  const user = SessionStore.use((s) => s.user);
  if (user)
    return (
      <span className="annotator-name" title="Every edit you make is saved under your account">
        <span className="muted">Annotator</span> <strong data-testid="annotator-account">{user.name}</strong>
      </span>
    );
  return <AnnotatorNameField />;
}

function AnnotatorNameField() {
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
