import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServices, type Services } from '../services';
import { exampleFilterSql } from './exampleFilter';

let dir: string;
let services: Services;
let datasetId: string;
const sentences = 3000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-seek-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: null, host: 'serve' });
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const text = `张三在北京工作${i % 1000}${i % 7 === 0 ? 'Ab%_"x' : ''}`;
    for (const char of text) parts.push(`${char === ' ' ? '_' : char}\tO\n`);
    parts.push('\n');
  }
  writeFileSync(join(dir, 'corpus.txt'), parts.join(''));
  datasetId = (await services.datasetStore.import({ path: join(dir, 'corpus.txt') })).dataset.id;
  // Queue keys with ties and NULLs, some examples done.
  services.db.exec(
    `UPDATE examples SET uncertainty = (idx % 13) / 13.0 WHERE idx % 3 != 0;
     UPDATE examples SET status = 'done' WHERE idx % 11 = 0;`,
  );
});
afterAll(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plain OFFSET query: what every page must equal. */
function offsetIds(order: 'index' | 'uncertainty', filter: object, offset: number, limit: number): number[] {
  const { where, params } = exampleFilterSql(datasetId, {
    ...filter,
    ...(order === 'uncertainty' ? { undone: true } : {}),
  });
  const by = order === 'index' ? 'e.idx' : 'e.uncertainty DESC, e.idx';
  return (
    services.db
      .prepare(`SELECT e.id FROM examples e WHERE ${where} ORDER BY ${by} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as { id: number }[]
  ).map((r) => r.id);
}

it('gives the same rows as OFFSET pages in every order and filter, deep pages included', () => {
  for (const order of ['index', 'uncertainty'] as const)
    for (const filter of [{}, { status: 'unannotated' as const }, { text: '工作12' }])
      for (const offset of [0, 2047, 2048, 2100, 2500, 2600, 2999, 3100])
        expect(
          services.datasetStore
            .listExamples({ datasetId, offset, limit: 50, order, filter })
            .items.map((e) => e.id),
          `${order} ${JSON.stringify(filter)} @${offset}`,
        ).toEqual(offsetIds(order, filter, offset, 50));
});

it('finds the same examples as instr() for 1, 2, 3+ character, Latin and %/_ searches', () => {
  for (const text of ['3', '工作', '工作1', '工作123', '京工作99', 'Ab', 'ab%', '%_', '_"x', 'Ab%_"x', '"'])
    expect(
      services.datasetStore.listExamples({ datasetId, offset: 0, limit: 500, filter: { text } }),
      text,
    ).toMatchObject({
      total: (
        services.db
          .prepare('SELECT COUNT(*) AS n FROM examples WHERE dataset_id = ? AND instr(text, ?) > 0')
          .get(datasetId, text) as { n: number }
      ).n,
      items: offsetIds('index', { text }, 0, 500).map((id) => expect.objectContaining({ id })),
    });
});
