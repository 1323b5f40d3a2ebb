/**
 * The UI thread's word segmenter for Ctrl+←/→: texts go to a dedicated worker running jieba
 * (segmenterWorker.ts); the answers are kept as caret stops (`wordStops`), so a key press reads them
 * synchronously and never waits. Until a text's answer is there (jieba still loading, or it failed to load)
 * `stops` returns null and the caller moves by one character.
 */
import { wordStops } from './wordStops';
import type { SegmentResponse, WordsEndpoint } from './protocol';

export type SegmenterStatus =
  { state: 'loading' } | { state: 'ready' } | { state: 'failed'; message: string };

export interface WordSegmenter {
  /** Caret stops of `text` (code points, 0 and its length included), or null while it is not segmented yet. */
  stops(text: string): readonly number[] | null;
  /** Segment these texts ahead of need (the open sentence and the next ones). */
  prepare(texts: readonly string[]): void;
  status(): SegmenterStatus;
  /** Called when an answer or a status change arrives. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Stops the worker; a later request starts a new one (React's StrictMode mounts twice). */
  dispose(): void;
}

/** Texts kept segmented (least recently asked dropped first). */
const cacheSize = 500;

export function startSegmenterWorker(): WordsEndpoint {
  return new Worker(new URL('./segmenterWorker.ts', import.meta.url), {
    type: 'module',
    name: 'nezha-words',
  }) as unknown as WordsEndpoint;
}

export function createWordSegmenter(start: () => WordsEndpoint = startSegmenterWorker): WordSegmenter {
  const cache = new Map<string, number[]>();
  const pending = new Map<number, string>();
  const asked = new Set<string>();
  const listeners = new Set<() => void>();
  let status: SegmenterStatus = { state: 'loading' };
  let nextId = 1;
  let endpoint: WordsEndpoint | null = null;

  const emit = () => {
    for (const listener of listeners) listener();
  };
  const fail = (message: string) => {
    if (status.state === 'failed') return;
    status = { state: 'failed', message };
    pending.clear();
    console.warn(`Word segmentation (jieba) is unavailable, Ctrl+←/→ moves by character: ${message}`);
    emit();
  };
  const remember = (text: string, stops: number[]) => {
    cache.delete(text);
    cache.set(text, stops);
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
  };
  const onMessage = (event: MessageEvent) => {
    const response = event.data as SegmentResponse;
    const text = pending.get(response.id);
    if (text === undefined) return;
    pending.delete(response.id);
    asked.delete(text);
    if ('error' in response) return fail(response.error);
    try {
      remember(text, wordStops(text, response.words));
    } catch (error) {
      return fail((error as Error).message);
    }
    status = { state: 'ready' };
    emit();
  };
  const ask = (text: string) => {
    if (status.state === 'failed' || cache.has(text) || asked.has(text)) return;
    if (!endpoint) {
      try {
        endpoint = start();
      } catch (error) {
        return fail(`the worker did not start (${(error as Error).message})`);
      }
      endpoint.addEventListener('message', onMessage);
      endpoint.addEventListener('error', (event: ErrorEvent) =>
        fail(`the worker failed: ${event.message || 'script error'}`),
      );
    }
    const id = nextId++;
    pending.set(id, text);
    asked.add(text);
    endpoint.postMessage({ id, text });
  };

  return {
    stops(text) {
      const stops = cache.get(text);
      if (stops) {
        remember(text, stops);
        return stops;
      }
      ask(text);
      return null;
    },
    prepare(texts) {
      for (const text of texts) ask(text);
    },
    status: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose() {
      pending.clear();
      asked.clear();
      endpoint?.terminate?.();
      endpoint = null;
    },
  };
}
