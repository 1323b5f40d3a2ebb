/**
 * Review across a team (issue 17): agreement of every annotator of a dataset, not just a pair. An example
 * counts for a pair when both edited it (review.ts's rule); Fleiss' kappa takes every example two or more
 * annotators edited, with all of them. Read in pages of examples (keyset on id), never the whole corpus.
 * `decisions` lists the adjudications (who put which gold version in place, from the history), newest first.
 */
import { AgreementAccumulator, type AgreementSpan } from '../../../shared/metrics/agreement';
import { FleissAccumulator } from '../../../shared/metrics/fleissKappa';
import { codePointLength } from '../../../shared/datasets';
import { adjudication, annotatorEdit } from '../annotations/history';
import type { AdjudicationDecision, PairAgreement, TeamAgreement } from '../../../shared/ipc';
import type { Database } from '../database';
import { ServiceError } from '../errors';

const maxDecisions = 500;

export function teamAgreement(db: Database, datasetId: string, pageSize = 500): TeamAgreement {
  if (!db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(datasetId))
    throw new ServiceError('not-found', `Dataset ${datasetId} does not exist (was it removed?).`);
  const pairs = new Map<string, AgreementAccumulator>();
  const fleiss = new FleissAccumulator();
  const annotators = new Set<string>();
  const pageStatement = db.prepare(
    `SELECT e.id, e.text FROM examples e WHERE e.dataset_id = ? AND e.id > ?
     AND (SELECT COUNT(DISTINCT h.author) FROM example_history h WHERE h.example_id = e.id
          AND h.author IS NOT NULL AND ${annotatorEdit('h')}) >= 2
     ORDER BY e.id LIMIT ?`,
  );
  let after = 0;
  for (;;) {
    const page = pageStatement.all(datasetId, after, pageSize) as unknown as { id: number; text: string }[];
    if (page.length === 0) break;
    const ids = page.map((row) => Number(row.id));
    const marks = ids.map(() => '?').join(', ');
    const editors = db
      .prepare(
        `SELECT DISTINCT example_id, author FROM example_history WHERE example_id IN (${marks})
         AND author IS NOT NULL AND ${annotatorEdit('example_history')} ORDER BY example_id, author`,
      )
      .all(...ids) as unknown as { example_id: number; author: string }[];
    const spans = db
      .prepare(
        `SELECT example_id, author, start, "end", label FROM annotations WHERE example_id IN (${marks})
         AND source = 'annotator' AND author IS NOT NULL ORDER BY example_id, start, "end", id`,
      )
      .all(...ids) as unknown as ({ example_id: number; author: string } & AgreementSpan)[];
    const byExample = new Map<number, Map<string, AgreementSpan[]>>();
    for (const row of editors) {
      const versions = byExample.get(Number(row.example_id)) ?? new Map<string, AgreementSpan[]>();
      versions.set(row.author, []);
      byExample.set(Number(row.example_id), versions);
    }
    for (const row of spans) {
      byExample
        .get(Number(row.example_id))
        ?.get(row.author)
        ?.push({ start: Number(row.start), end: Number(row.end), label: row.label });
    }
    for (const example of page) {
      const versions = byExample.get(Number(example.id));
      if (!versions) continue;
      const length = codePointLength(example.text);
      const names = [...versions.keys()].sort();
      for (const name of names) annotators.add(name);
      fleiss.add(
        length,
        names.map((name) => versions.get(name)!),
      );
      for (let i = 0; i < names.length; i++)
        for (let j = i + 1; j < names.length; j++) {
          const key = JSON.stringify([names[i], names[j]]);
          let accumulator = pairs.get(key);
          if (!accumulator) pairs.set(key, (accumulator = new AgreementAccumulator()));
          accumulator.add(length, versions.get(names[i]!)!, versions.get(names[j]!)!);
        }
    }
    after = Number(page[page.length - 1]!.id);
    if (page.length < pageSize) break;
  }
  const pairList: PairAgreement[] = [...pairs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, accumulator]) => {
      const [authorA, authorB] = JSON.parse(key) as [string, string];
      const report = accumulator.report();
      return { authorA, authorB, examples: report.examples, overall: report.overall, kappa: report.kappa };
    });
  const decisions = db
    .prepare(
      `SELECT h.example_id AS "exampleId", e.idx AS "index", h.author, h.op, h.created_at AS at
       FROM example_history h JOIN examples e ON e.id = h.example_id
       WHERE e.dataset_id = ? AND ${adjudication('h')} AND h.state = 'applied'
       ORDER BY h.id DESC LIMIT ?`,
    )
    .all(datasetId, maxDecisions) as unknown as AdjudicationDecision[];
  return {
    datasetId,
    annotators: [...annotators].sort(),
    pairs: pairList,
    fleiss: fleiss.report(),
    decisions: decisions.map((d) => ({ ...d, exampleId: Number(d.exampleId), index: Number(d.index) })),
  };
}
