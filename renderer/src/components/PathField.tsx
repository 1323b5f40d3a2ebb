/**
 * A path on this machine: a labelled text input (people paste paths) plus, in the desktop app, a
 * "Browse…" button that opens the OS dialog (dialogs.pick). Serve mode has no native dialog, so the
 * button is not shown there and the path is typed.
 */
import { useState, type CSSProperties } from 'react';
import type { PathPurpose, PickPathRequest } from '../../../shared/ipc';
import type { Api } from '../api/client';
import { useServices } from '../state/services';

export type DialogFilter = NonNullable<PickPathRequest['filters']>[number];

export interface PathFieldProps {
  /** The input's id (forms and tests find it by its label). */
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  purpose: PathPurpose;
  placeholder?: string;
  disabled?: boolean;
  /** The dialog's title; the label when left out. */
  dialogTitle?: string;
  filters?: DialogFilter[];
  /** Keep the label for screen readers only (aria-label), for fields inside a toolbar row. */
  hideLabel?: boolean;
  /** The wrapper's class: a growing form field by default. */
  className?: string;
}

// The contract's limit for defaultPath; a longer typed value just opens the dialog at its default place.
const maxDefaultPathLength = 4096;

/** The dialogs.pick request for a field: the typed value (when usable) is where the dialog opens. */
export function pickRequestFor(
  field: Pick<PathFieldProps, 'purpose' | 'label' | 'dialogTitle' | 'filters'>,
  typed: string,
): PickPathRequest {
  const start = typed.trim();
  const usable = start.length > 0 && start.length <= maxDefaultPathLength && !start.includes('\0');
  return {
    purpose: field.purpose,
    title: (field.dialogTitle ?? field.label).slice(0, 200) || undefined,
    ...(usable ? { defaultPath: start } : {}),
    ...(field.filters?.length ? { filters: field.filters } : {}),
  };
}

/** Ask the main side for a path; null when the person cancelled. */
export async function browseForPath(
  api: Pick<Api, 'dialogs'>,
  request: PickPathRequest,
): Promise<string | null> {
  const { path } = await api.dialogs.pick(request);
  return path;
}

const rowStyle: CSSProperties = { display: 'flex', gap: 6, alignItems: 'center' };
const inputStyle: CSSProperties = { flex: '1 1 auto', minWidth: 0 };

export function PathField(props: PathFieldProps) {
  const { id, label, value, onChange, placeholder, disabled, hideLabel, className = 'field grow' } = props;
  const { api, hostKind } = useServices();
  const [browsing, setBrowsing] = useState(false);

  const browse = () => {
    setBrowsing(true);
    browseForPath(api, pickRequestFor(props, value))
      .then((picked) => {
        if (picked !== null) onChange(picked);
      })
      // A failed request is already reported as a toast by the API client; the typed value stays.
      .catch(() => undefined)
      .finally(() => setBrowsing(false));
  };

  return (
    <div className={className}>
      {hideLabel ? null : <label htmlFor={id}>{label}</label>}
      <div style={rowStyle}>
        <input
          id={id}
          className="input mono"
          style={inputStyle}
          aria-label={hideLabel ? label : undefined}
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          disabled={disabled}
          spellCheck={false}
          autoComplete="off"
        />
        {hostKind === 'electron' ? (
          <button
            type="button"
            className="button"
            onClick={browse}
            disabled={disabled || browsing}
            aria-label={`Browse for ${label.toLowerCase()}`}
            data-testid={`${id}-browse`}
          >
            Browse…
          </button>
        ) : null}
      </div>
    </div>
  );
}
