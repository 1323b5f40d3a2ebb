import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useToasts } from './toasts';

beforeEach(() => {
  vi.useFakeTimers();
  useToasts.setState({ toasts: [] });
});

describe('toasts', () => {
  it('collapses a repeated message into one toast with a count', () => {
    const { push } = useToasts.getState();
    push({ kind: 'error', title: 'Request failed: checkpoints.list', detail: 'Missing token' });
    push({ kind: 'error', title: 'Request failed: checkpoints.list', detail: 'Missing token' });
    push({ kind: 'error', title: 'Request failed: app.info', detail: 'Missing token' });
    expect(useToasts.getState().toasts.map((t) => [t.title, t.count])).toEqual([
      ['Request failed: checkpoints.list', 2],
      ['Request failed: app.info', 1],
    ]);
  });

  it('keeps at most five and dismisses errors after a while', () => {
    const { push } = useToasts.getState();
    for (let i = 0; i < 7; i++) push({ kind: 'error', title: `error ${i}` });
    expect(useToasts.getState().toasts.map((t) => t.title)).toEqual([
      'error 2',
      'error 3',
      'error 4',
      'error 5',
      'error 6',
    ]);
    vi.advanceTimersByTime(12_000);
    expect(useToasts.getState().toasts).toEqual([]);
  });
});
