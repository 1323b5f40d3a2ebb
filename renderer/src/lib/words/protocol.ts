/**
 * Messages between the UI thread and the word segmentation worker (segmenterWorker.ts), and the worker's
 * answer as a plain function, so it is tested in Node with the real jieba.
 */
import type { WordSegmenter } from '../../../../shared/training/wholeWordMasking';

export interface SegmentRequest {
  id: number;
  text: string;
}

export type SegmentResponse = { id: number; words: string[] } | { id: number; error: string };

/** The subset of Worker / DedicatedWorkerGlobalScope both ends use. */
export interface WordsEndpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate?(): void;
}

/** The worker's answer to one request: jieba's words (they concatenate to the text), or why not. */
export async function answerSegmentRequest(
  segmenter: Promise<WordSegmenter>,
  request: SegmentRequest,
): Promise<SegmentResponse> {
  try {
    if (typeof request?.id !== 'number' || typeof request.text !== 'string')
      throw new Error('a segment request is { id: number, text: string }');
    const cut = await segmenter;
    return { id: request.id, words: cut(request.text) };
  } catch (error) {
    return { id: typeof request?.id === 'number' ? request.id : -1, error: (error as Error).message };
  }
}
