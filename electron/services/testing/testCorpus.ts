/**
 * A throwaway data dir with one imported corpus (labels PER and LOC) for the review and team tests, and a
 * helper that applies one annotator's spans to an example. `close()` closes the services and removes the dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../services';

export interface TestCorpus {
  services: Services;
  datasetId: string;
  /** Example ids in corpus order. */
  ids: number[];
  /** Apply `author`'s spans ([start, end, label]) to example `index`. */
  add(
    author: string,
    index: number,
    spans: [number, number, string][],
  ): ReturnType<Services['annotations']['apply']>;
  close(): void;
}

export async function openTestCorpus(prefix: string, texts: readonly string[]): Promise<TestCorpus> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const file = join(dir, 'corpus.jsonl');
  writeFileSync(file, texts.map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n');
  const datasetId = (await services.datasetStore.import({ path: file })).dataset.id;
  services.datasetStore.updateLabels(datasetId, [{ name: 'PER' }, { name: 'LOC' }]);
  const ids = services.datasetStore
    .listExamples({ datasetId, offset: 0, limit: texts.length } as never)
    .items.map((e) => e.id);
  return {
    services,
    datasetId,
    ids,
    add: (author, index, spans) =>
      services.annotations.apply({
        exampleId: ids[index]!,
        author,
        ops: spans.map(([start, end, label]) => ({ op: 'add' as const, start, end, label })),
      }),
    close() {
      services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
