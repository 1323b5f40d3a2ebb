/**
 * The word segmentation worker: jieba (jieba-wasm, loaded as shared/ loads it for whole word masking) off
 * the UI thread. Loading the module and building jieba's dictionary on the first cut take about half a
 * second, which would freeze the Annotate view if done on the UI thread; here it happens once, at start.
 */
import { loadJiebaSegmenter } from '../../../../shared/training/wholeWordMasking';
import { answerSegmentRequest, type SegmentRequest, type WordsEndpoint } from './protocol';

const endpoint = self as unknown as WordsEndpoint;
const segmenter = loadJiebaSegmenter().then((cut) => {
  cut('预热词典'); // builds the dictionary now, so the first real request is answered at once
  return cut;
});
// A failure is answered to every request (the view then moves by character); never an unhandled rejection.
segmenter.catch(() => {});

endpoint.addEventListener('message', (event: MessageEvent) => {
  void answerSegmentRequest(segmenter, event.data as SegmentRequest).then((response) =>
    endpoint.postMessage(response),
  );
});
