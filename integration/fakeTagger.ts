/**
 * Stand-ins for the inference worker in the Annotate store tests: a token-classification checkpoint record,
 * and a worker client that tags every occurrence of a dictionary word (score 0.9) and records its runs.
 */
import type { CheckpointRecord } from '../shared/ipc';
import type { Entity } from '../shared/pipelines';
import type { InferenceClient } from '../renderer/src/inference/ui/client';

/** A token-classification checkpoint record with these BIO labels (default: LOC only). */
export const taggerRecord = (id: string, labels = ['O', 'B-LOC', 'I-LOC']): CheckpointRecord => ({
  id,
  name: id,
  path: `/checkpoints/${id}`,
  architecture: 'NezhaForTokenClassification',
  modelType: 'nezha',
  format: 'safetensors',
  files: ['config.json'],
  hiddenSize: 8,
  numLayers: 1,
  numLabels: labels.length,
  labels,
  sizeBytes: 0,
  builtin: false,
  addedAt: '2024-01-01T00:00:00.000Z',
});

/** Every occurrence of each dictionary word, as the worker's entities (code-point and UTF-16 offsets). */
export function tagWords(text: string, words: Record<string, string>): Entity[] {
  const chars = Array.from(text);
  const entities: Entity[] = [];
  for (const [word, type] of Object.entries(words)) {
    const length = Array.from(word).length;
    for (let start = 0; start + length <= chars.length; start++)
      if (chars.slice(start, start + length).join('') === word) {
        const startUtf16 = chars.slice(0, start).join('').length;
        entities.push({
          type,
          score: 0.9,
          text: word,
          start,
          end: start + length,
          startUtf16,
          endUtf16: startUtf16 + word.length,
        });
      }
  }
  return entities;
}

export function dictionaryTagger(words: Record<string, string>) {
  const runs: string[][] = [];
  let loadGate: Promise<void> | null = null;
  const call = async (method: string, payload: unknown) => {
    if (method === 'load') {
      if (loadGate) await loadGate;
      return {};
    }
    if (method === 'runPipeline') {
      const { request } = payload as { request: { task: string; texts: string[] } };
      runs.push(request.texts);
      const entities = request.texts.map((text) => tagWords(text, words));
      return { result: { task: request.task, entities }, ms: 0, backend: 'test' };
    }
    if (method === 'release') return { released: null, evicted: [], memory: {} };
    throw new Error(`The dictionary tagger has no method ${method}`);
  };
  const client: InferenceClient = {
    call: call as InferenceClient['call'],
    onBackend: () => () => {},
    onCrash: () => () => {},
    terminate: () => {},
  };
  return {
    client,
    runs,
    /** Hold every load back until the returned function is called. */
    holdLoads() {
      let release!: () => void;
      loadGate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}
