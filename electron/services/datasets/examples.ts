/** The Annotate view's queries: per-dataset statistics, a filtered, ordered page of examples, one example. */
import type { DatabaseSync } from 'node:sqlite';
import type { DatasetStats, ExampleFilter, ExamplePage } from '../../../shared/ipc';
import { decisionRowsFor, exampleColumns, readExampleViews, toExampleViews } from '../annotations';
import { ServiceError } from '../errors';
import { exampleFilterSql, type TextSearch } from './exampleFilter';
import { readPage } from './pageSeek';
import { datasetLabels } from './labels';
import type { ReadCache } from './readCache';
import { requireDataset } from './rows';

export function datasetStats(db: DatabaseSync, id: string): DatasetStats {
  requireDataset(db, id);
  const byStatus = new Map(
    (
      db
        .prepare('SELECT status, COUNT(*) AS n FROM examples WHERE dataset_id = ? GROUP BY status')
        .all(id) as { status: string; n: number }[]
    ).map((r) => [r.status, r.n]),
  );
  const counts = new Map<string, { label: string; spans: number; modelSpans: number }>();
  for (const label of datasetLabels(db, id))
    counts.set(label.name, { label: label.name, spans: 0, modelSpans: 0 });
  // "Suggested": model suggestions nobody has decided on yet (decided ones stay stored, see annotations/).
  const rows = db
    .prepare(
      `SELECT label, source = 'model' AS model, COUNT(*) AS n FROM annotations a WHERE dataset_id = ?
         AND NOT (source = 'model' AND EXISTS (SELECT 1 FROM suggestion_decisions d
           WHERE d.example_id = a.example_id AND d.checkpoint_id = a.checkpoint_id AND d.start = a.start
             AND d.end = a.end AND d.label = a.label))
       GROUP BY label, source = 'model' ORDER BY label`,
    )
    .all(id) as { label: string; model: number; n: number }[];
  for (const row of rows) {
    let entry = counts.get(row.label);
    if (!entry) counts.set(row.label, (entry = { label: row.label, spans: 0, modelSpans: 0 }));
    if (row.model === 1) entry.modelSpans += row.n;
    else entry.spans += row.n;
  }
  const unannotated = byStatus.get('unannotated') ?? 0;
  const inProgress = byStatus.get('in-progress') ?? 0;
  const done = byStatus.get('done') ?? 0;
  return {
    datasetId: id,
    total: unannotated + inProgress + done,
    unannotated,
    inProgress,
    done,
    labels: [...counts.values()],
  };
}

/**
 * One page of examples with their spans; filters and order run in SQL. Deep pages seek on the order's key
 * (pageSeek.ts) and text filters use the store's text index (`textSearch`), so no page scans the dataset.
 */
export function listExamples(
  db: DatabaseSync,
  request: {
    datasetId: string;
    offset?: number;
    limit?: number;
    filter?: ExampleFilter;
    order?: 'index' | 'uncertainty';
  },
  cache?: ReadCache,
  textSearch?: TextSearch,
): ExamplePage {
  requireDataset(db, request.datasetId);
  const offset = request.offset ?? 0;
  const limit = request.limit ?? 50;
  // 'uncertainty' is the active-learning queue: done examples are left out (they need no more work), the most
  // uncertain predictions come first, and examples with no prediction yet follow in file order (NULL sorts
  // lowest in SQLite, so DESC puts them last). Background pre-annotation fills those in.
  const queue = request.order === 'uncertainty';
  const { where, params, wholeDataset } = exampleFilterSql(
    request.datasetId,
    { ...request.filter, ...(queue ? { undone: true } : {}) },
    textSearch,
  );
  const count = () =>
    (db.prepare(`SELECT COUNT(*) AS n FROM examples e WHERE ${where}`).get(...params) as { n: number }).n;
  const total = cache ? cache.get(`count:${where}:${JSON.stringify(params)}`, count) : count();
  const order = queue ? 'uncertainty' : 'index';
  const rows = readPage<Parameters<typeof toExampleViews>[0][number]>(
    db,
    { datasetId: request.datasetId, where, params, order, total, wholeDataset },
    exampleColumns,
    offset,
    limit,
    cache,
  );
  if (rows.length === 0) return { total, offset, items: [] };
  const spans = db
    .prepare(`SELECT * FROM annotations WHERE example_id IN (${rows.map(() => '?').join(', ')})`)
    .all(...rows.map((r) => r.id)) as unknown as Parameters<typeof toExampleViews>[1];
  const decisions = decisionRowsFor(
    db,
    rows.map((r) => r.id),
  );
  return { total, offset, items: toExampleViews(rows, spans, decisions) };
}

export function getExample(db: DatabaseSync, exampleId: number) {
  const [view] = readExampleViews(db, [exampleId]);
  if (!view)
    throw new ServiceError('not-found', `Example ${exampleId} does not exist (was its dataset removed?).`);
  return view;
}
