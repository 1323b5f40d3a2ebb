import { describe, expect, it, vi } from 'vitest';
import { loadJiebaSegmenter } from '../../../../shared/training/wholeWordMasking';
import {
  answerSegmentRequest,
  type SegmentRequest,
  type SegmentResponse,
  type WordsEndpoint,
} from './protocol';
import { createWordSegmenter } from './wordSegmenter';
import { wordStops } from './wordStops';

describe('wordStops', () => {
  it('puts a stop after every word, in code points', () => {
    expect(wordStops('𠀋北京😀上海', ['𠀋', '北京', '😀', '上海'])).toEqual([0, 1, 3, 4, 6]);
    expect(wordStops('', [])).toEqual([0]);
  });

  it('joins whitespace to the word before it, so a jump lands on the next word', () => {
    expect(wordStops('Hi 北京  abc', ['Hi', ' ', '北京', ' ', ' ', 'abc'])).toEqual([0, 3, 7, 10]);
    expect(wordStops('  北京', ['  ', '北京'])).toEqual([0, 2, 4]);
  });

  it('refuses words that do not make up the text', () => {
    expect(() => wordStops('北京', ['北', '上'])).toThrow(/do not make up the text \(2 characters\)/);
  });
});

describe('the segmentation worker’s answer (real jieba)', () => {
  const jieba = loadJiebaSegmenter();

  it('cuts a sentence into words that make it up', async () => {
    const answer = await answerSegmentRequest(jieba, { id: 4, text: '李明昨天在上海参观了复旦大学。' });
    expect(answer).toEqual({ id: 4, words: ['李明', '昨天', '在', '上海', '参观', '了', '复旦大学', '。'] });
  });

  it('answers a broken request or a failed load with an error, never a throw', async () => {
    expect(await answerSegmentRequest(jieba, { id: 1 } as SegmentRequest)).toEqual({
      id: 1,
      error: 'a segment request is { id: number, text: string }',
    });
    const failed = Promise.reject(new Error('jieba_rs_wasm_bg.wasm: 404'));
    failed.catch(() => {});
    expect(await answerSegmentRequest(failed, { id: 2, text: '北京' })).toEqual({
      id: 2,
      error: 'jieba_rs_wasm_bg.wasm: 404',
    });
  });
});

/** A worker stand-in: records requests; the test answers them when it wants. */
function fakeWorker() {
  const listeners: ((event: MessageEvent) => void)[] = [];
  const errorListeners: ((event: ErrorEvent) => void)[] = [];
  const requests: SegmentRequest[] = [];
  const endpoint: WordsEndpoint = {
    postMessage: (message) => requests.push(message as SegmentRequest),
    addEventListener: ((type: string, listener: never) =>
      (type === 'message' ? listeners : errorListeners).push(listener)) as WordsEndpoint['addEventListener'],
    terminate: vi.fn(),
  };
  return {
    endpoint,
    requests,
    answer: (response: SegmentResponse) =>
      listeners.forEach((listener) => listener({ data: response } as MessageEvent)),
    crash: (message: string) => errorListeners.forEach((listener) => listener({ message } as ErrorEvent)),
  };
}

describe('createWordSegmenter', () => {
  it('answers null until the worker has cut the text, then the stops, without asking twice', () => {
    const worker = fakeWorker();
    const start = vi.fn(() => worker.endpoint);
    const segmenter = createWordSegmenter(start);
    expect(start).not.toHaveBeenCalled(); // the worker starts with the first request
    const changed = vi.fn();
    segmenter.subscribe(changed);

    expect(segmenter.stops('北京欢迎你')).toBeNull();
    expect(segmenter.stops('北京欢迎你')).toBeNull();
    segmenter.prepare(['北京欢迎你', '上海']);
    expect(worker.requests).toEqual([
      { id: 1, text: '北京欢迎你' },
      { id: 2, text: '上海' },
    ]);
    expect(segmenter.status()).toEqual({ state: 'loading' });

    worker.answer({ id: 1, words: ['北京', '欢迎', '你'] });
    expect(segmenter.stops('北京欢迎你')).toEqual([0, 2, 4, 5]);
    expect(segmenter.status()).toEqual({ state: 'ready' });
    expect(changed).toHaveBeenCalledTimes(1);
    // An answer nobody asked for is ignored.
    worker.answer({ id: 99, words: ['x'] });
    expect(changed).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('a failed worker leaves every text to move by character, and says why once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const worker = fakeWorker();
    const segmenter = createWordSegmenter(() => worker.endpoint);
    segmenter.prepare(['北京']);
    worker.answer({ id: 1, error: 'jieba_rs_wasm_bg.wasm: 404' });
    expect(segmenter.status()).toEqual({ state: 'failed', message: 'jieba_rs_wasm_bg.wasm: 404' });
    expect(segmenter.stops('北京')).toBeNull();
    expect(worker.requests).toHaveLength(1); // no more requests to a worker that cannot answer
    worker.crash('script error');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/Ctrl\+←\/→ moves by character: jieba_rs_wasm_bg\.wasm: 404/);
    warn.mockRestore();
  });

  it('dispose stops the worker; a later request starts a new one', () => {
    const workers = [fakeWorker(), fakeWorker()];
    let started = 0;
    const segmenter = createWordSegmenter(() => workers[started++].endpoint);
    segmenter.prepare(['北京']);
    segmenter.dispose();
    expect(workers[0].endpoint.terminate).toHaveBeenCalled();
    expect(segmenter.stops('北京')).toBeNull();
    expect(workers[1].requests).toEqual([{ id: 2, text: '北京' }]);
    workers[1].answer({ id: 2, words: ['北京'] });
    expect(segmenter.stops('北京')).toEqual([0, 2]);
  });
});
