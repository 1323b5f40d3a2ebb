/** An honest empty state: what the view is for, and what it still needs before it can do it. */
import type { ReactNode } from 'react';
import { CheckIcon, CrossIcon } from './icons';

export interface Requirement {
  label: string;
  met: boolean;
  /** Shown under the label: which item satisfies it, or what to do. */
  detail?: ReactNode;
  action?: { label: string; onClick(): void };
}

export function EmptyState(props: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  requirements?: Requirement[];
  testId?: string;
}) {
  return (
    <section className="empty-state" data-testid={props.testId}>
      <div className="empty-icon">{props.icon}</div>
      <h2>{props.title}</h2>
      <div className="empty-text">{props.children}</div>
      {props.requirements && props.requirements.length > 0 && (
        <ul className="requirements" aria-label="Requirements">
          {props.requirements.map((requirement) => (
            <li key={requirement.label} className={requirement.met ? 'met' : 'unmet'}>
              <span className="requirement-mark" aria-label={requirement.met ? 'done' : 'missing'}>
                {requirement.met ? <CheckIcon /> : <CrossIcon />}
              </span>
              <div>
                <div className="requirement-label">{requirement.label}</div>
                {requirement.detail && <div className="requirement-detail">{requirement.detail}</div>}
              </div>
              {requirement.action && !requirement.met && (
                <button className="button button-small" onClick={requirement.action.onClick}>
                  {requirement.action.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
