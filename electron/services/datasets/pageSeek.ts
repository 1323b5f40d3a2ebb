/**
 * Deep pages without deep OFFSETs. `LIMIT 50 OFFSET 150000` walks and drops 150,000 rows (~10 ms on a
 * 200,000-example store, on the event loop every client shares); a seek on the order's key reads the page
 * alone. Callers keep asking by offset (the Annotate view's virtualised list jumps to any row), so the
 * offset is turned into a key here:
 *   - file order over a whole dataset: example indices are dense (0..n-1, unique per dataset), so row k has
 *     the k-th index from the smallest one; checked with MIN/MAX against the count, never assumed;
 *   - any other filter or order: anchors, the sort key of every `anchorStep`-th row, found lazily by hops
 *     (each a seek from the previous anchor and a skip of `anchorStep` rows) and kept in the read cache
 *     until the next write. The first deep page costs about what its OFFSET did; later ones seek to the
 *     anchor at or before their offset and skip fewer than `anchorStep` rows.
 * The queue order (uncertainty DESC, idx) is two runs: predicted examples by their key, then the
 * unpredicted ones (NULL) by index. Each run is a range of examples_dataset_uncertainty, so it is read as
 * its own query: one OR over both would walk the index from its start.
 *
 * Portable SQL (plain comparisons, no row values): a PostgreSQL store can use it as it is, with NULLS LAST
 * written out for the queue order (SQLite sorts NULL lowest, PostgreSQL highest).
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { ReadCache } from './readCache';

export type PageOrder = 'index' | 'uncertainty';

/** ORDER BY of each page order (examples aliased `e`); example indices are unique per dataset, a total order. */
export const orderSql: Record<PageOrder, string> = {
  index: 'e.idx',
  // Queue order: most uncertain first; NULL (not predicted yet) sorts lowest in SQLite, so DESC puts it last.
  uncertainty: 'e.uncertainty DESC, e.idx',
};

/** Distance between anchors (rows). */
export const anchorStep = 512;
/** Pages below this offset use OFFSET: skipping that many rows costs less than finding anchors. */
export const seekFrom = 2048;

export interface Anchor {
  idx: number;
  uncertainty: number | null;
}

/** Ranges of rows at or after `anchor`, in order; each is a WHERE term read by its own query. */
function runsFrom(order: PageOrder, anchor: Anchor | null): { clause: string; params: SQLInputValue[] }[] {
  if (order === 'index')
    return [anchor ? { clause: 'e.idx >= ?', params: [anchor.idx] } : { clause: '', params: [] }];
  const unpredicted = { clause: 'e.uncertainty IS NULL', params: [] };
  if (!anchor) return [{ clause: 'e.uncertainty IS NOT NULL', params: [] }, unpredicted];
  if (anchor.uncertainty === null)
    return [{ clause: 'e.uncertainty IS NULL AND e.idx >= ?', params: [anchor.idx] }];
  return [
    {
      clause: 'e.uncertainty <= ? AND NOT (e.uncertainty = ? AND e.idx < ?)',
      params: [anchor.uncertainty, anchor.uncertainty, anchor.idx],
    },
    unpredicted,
  ];
}

export interface PageQuery {
  datasetId: string;
  /** The filter's WHERE (examples aliased `e`) and its parameters. */
  where: string;
  params: SQLInputValue[];
  order: PageOrder;
  /** The filter selects the whole dataset (no condition but the dataset). */
  wholeDataset: boolean;
  /** Rows the filter selects. */
  total: number;
}

/** `limit` rows from `skip` rows past `anchor` (null: the first row), reading each run in turn. */
function readRuns<T>(
  db: DatabaseSync,
  query: PageQuery,
  columns: string,
  anchor: Anchor | null,
  skip: number,
  limit: number,
): T[] {
  const rows: T[] = [];
  for (const run of runsFrom(query.order, anchor)) {
    const where = run.clause ? `${query.where} AND ${run.clause}` : query.where;
    const sql = `SELECT ${columns} FROM examples e WHERE ${where} ORDER BY ${orderSql[query.order]} LIMIT ? OFFSET ?`;
    const got = db.prepare(sql).all(...query.params, ...run.params, limit - rows.length, skip) as T[];
    rows.push(...got);
    if (rows.length >= limit) break;
    if (got.length === 0 && skip > 0) {
      // The skip may reach past this run: count it to carry the rest into the next one.
      const n = db
        .prepare(`SELECT COUNT(*) AS n FROM examples e WHERE ${where}`)
        .get(...query.params, ...run.params) as {
        n: number;
      };
      skip = Math.max(0, skip - n.n);
    } else skip = 0;
  }
  return rows;
}

const anchorColumns = 'e.idx, e.uncertainty';

/** The anchor of `slot` (row slot * anchorStep), hopping from the last one known; null past the end. */
function anchorAt(db: DatabaseSync, query: PageQuery, anchors: Anchor[], slot: number): Anchor | null {
  if (anchors.length === 0) {
    const [first] = readRuns<Anchor>(db, query, anchorColumns, null, 0, 1);
    if (!first) return null;
    anchors.push(first);
  }
  while (anchors.length <= slot) {
    const [next] = readRuns<Anchor>(db, query, anchorColumns, anchors.at(-1)!, anchorStep, 1);
    if (!next) return null;
    anchors.push({ idx: next.idx, uncertainty: next.uncertainty });
  }
  return anchors[slot];
}

/**
 * One page of `query` at `offset`, with `columns`: the same rows, in the same order, as
 * `ORDER BY … LIMIT limit OFFSET offset` returns.
 */
export function readPage<T>(
  db: DatabaseSync,
  query: PageQuery,
  columns: string,
  offset: number,
  limit: number,
  cache?: ReadCache,
): T[] {
  if (offset >= query.total) return [];
  const plain = () =>
    db
      .prepare(
        `SELECT ${columns} FROM examples e WHERE ${query.where} ORDER BY ${orderSql[query.order]} LIMIT ? OFFSET ?`,
      )
      .all(...query.params, limit, offset) as T[];
  if (offset < seekFrom) return plain();
  if (query.order === 'index' && query.wholeDataset) {
    const range = () =>
      db
        .prepare('SELECT MIN(idx) AS low, MAX(idx) AS high FROM examples WHERE dataset_id = ?')
        .get(query.datasetId) as { low: number | null; high: number | null };
    const { low, high } = cache ? cache.get(`index-range:${query.datasetId}`, range) : range();
    if (low !== null && high !== null && high - low + 1 === query.total)
      return readRuns<T>(db, query, columns, { idx: low + offset, uncertainty: null }, 0, limit);
  }
  if (!cache) return plain(); // anchors kept for one page would cost more than they save
  const anchors = cache.get<Anchor[]>(
    `anchors:${query.order}:${query.where}:${JSON.stringify(query.params)}`,
    () => [],
  );
  const slot = Math.floor(offset / anchorStep);
  const anchor = anchorAt(db, query, anchors, slot);
  if (!anchor) return plain();
  return readRuns<T>(db, query, columns, anchor, offset - slot * anchorStep, limit);
}
