import { describe, expect, it } from 'vitest';
import { defaultSettings, type ExampleView } from '../../../../shared/ipc';
import type { ViewStoreDeps } from '../../state/viewStore';
import { wordStops } from '../../lib/words/wordStops';
import { createAnnotateStore } from './store';

const text = '李明昨天在上海参观了复旦大学。';
const example = {
  id: 1,
  datasetId: 'd',
  index: 0,
  text,
  split: null,
  status: 'unannotated',
  revision: 0,
  updatedAt: null,
  spans: [],
  modelSpans: [],
  uncertainty: null,
  predictedBy: null,
  record: null,
  canUndo: false,
  canRedo: false,
} as ExampleView;

function store() {
  const deps = {
    api: {},
    inference: {},
    settings: () => defaultSettings,
    toast: () => {},
  } as unknown as ViewStoreDeps;
  const created = createAnnotateStore(deps);
  created.setState({ current: example, pickedSpanId: 7 });
  return created;
}

describe('the store’s caret moves', () => {
  it('move by the word stops they are given, and drop the picked span', () => {
    const s = store();
    const stops = wordStops(text, ['李明', '昨天', '在', '上海', '参观', '了', '复旦大学', '。']);
    s.getState().moveCaret({ type: 'end', extend: false });
    s.getState().moveCaret({ type: 'word-left', extend: false }, stops);
    s.getState().moveCaret({ type: 'word-left', extend: true }, stops);
    expect(s.getState().selection).toEqual({ anchor: 14, focus: 10 });
    expect(s.getState().pickedSpanId).toBeNull();
  });

  it('move by one character without stops (jieba not loaded yet)', () => {
    const s = store();
    s.getState().moveCaret({ type: 'home', extend: false });
    s.getState().moveCaret({ type: 'word-right', extend: true });
    expect(s.getState().selection).toEqual({ anchor: 0, focus: 1 });
  });
});
