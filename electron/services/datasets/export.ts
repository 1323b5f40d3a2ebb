/**
 * Export of the working annotation through shared/datasets' NER exporters, written atomically: done only
 * (the default) or all with status; spans keep their provenance and model suggestions go along as
 * predictions where the format has them (shared/datasets/exportNer.ts planNerExport says what is written).
 */
import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  DatasetExportError,
  exportNer,
  planNerExport,
  type CharPerLineLayout,
  type ExportSpan,
  type ModelPrediction,
  type NerExample,
  type NerExampleStatus,
  type NerExportFormat,
  type NerExportOptions,
  type NerExportRecord,
  type SourceLayout,
} from '../../../shared/datasets';
import type {
  DatasetExportFormat,
  DatasetExportResult,
  DatasetExportSelection,
  ExampleStatus,
  SpanOrigin,
} from '../../../shared/ipc';
import { writeFileAtomically } from '../atomicWrite';
import { ServiceError } from '../errors';
import type { DatasetRow } from './rows';

/**
 * Writes the working annotation (gold + annotator spans) with the shared/datasets exporters, atomically:
 * a temp file in the same folder, renamed over `path`. `examples: 'done'` (the default) writes the known
 * examples only (done, or all of a corpus imported with its annotation); 'all' writes every one, with its
 * status where the format carries one, else with a warning in the result.
 */
export async function exportDataset(
  db: DatabaseSync,
  request: {
    id: string;
    format: DatasetExportFormat;
    path: string;
    examples?: DatasetExportSelection;
  },
): Promise<DatasetExportResult> {
  const row = db.prepare('SELECT * FROM datasets WHERE id = ?').get(request.id) as DatasetRow | undefined;
  if (!row)
    throw new ServiceError('not-found', `Dataset ${request.id} does not exist (removed?); reload the list.`);
  if (row.task !== 'ner') {
    throw new ServiceError(
      'bad-request',
      `Dataset "${row.name}" holds ${row.task} records; only NER datasets can be exported (formats: char-per-line, ` +
        'ERNIE TSV, CLUENER, JSONL spans, Label Studio).',
    );
  }
  const selection = request.examples ?? 'done';
  const { format, options } = exportOptions(request.format, row.format, row.layout_json);
  const all = exportRecords(db, row);
  const plan = planNerExport(all, format, selection);
  if (plan.records.length === 0) {
    throw new ServiceError(
      'bad-request',
      `No example of "${row.name}" is done yet (0 of ${all.length.toLocaleString('en-US')}): mark the examples ` +
        'you finished as done (Enter in Annotate), or export "all with status".',
    );
  }
  let content: string;
  try {
    content = exportNer(plan.records, format, options);
  } catch (error) {
    if (error instanceof DatasetExportError) {
      throw new ServiceError(
        'bad-request',
        `Cannot export "${row.name}" as ${request.format}: ${error.message}. Pick another format (JSONL spans ` +
          'keeps everything).',
      );
    }
    throw error;
  }
  const path = resolve(request.path);
  const bytes = Buffer.from(content, 'utf8');
  try {
    await writeFileAtomically(path, bytes);
  } catch (error) {
    throw new ServiceError(
      'failed',
      `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. ` +
        'Check the folder exists and is writable.',
    );
  }
  return {
    path,
    selection,
    examples: plan.records.length,
    spans: plan.records.reduce((sum, r) => sum + r.spans.length, 0),
    bytes: bytes.length,
    skipped: plan.skipped,
    unseen: plan.unseen,
    unfinished: plan.unfinished,
    warning: plan.warning,
  };
}

/**
 * Whether the dataset's file came with its annotation (a gold corpus: entities, and no per-example status
 * of its own): then every example's spans are known, and an untouched one has status "imported".
 */
function importedWithAnnotation(row: DatasetRow): boolean {
  const counts = JSON.parse(row.counts_json) as { entities?: Record<string, number>; withStatus?: number };
  const entities = Object.values(counts.entities ?? {}).reduce((sum, n) => sum + n, 0);
  return entities > 0 && !counts.withStatus;
}

/**
 * Every example of a NER dataset for an export, in file order: its status, its working spans with their
 * provenance (checkpoint names for accepted suggestions) and the stored model suggestions per checkpoint.
 */
export function exportRecords(db: DatabaseSync, row: DatasetRow): NerExportRecord[] {
  const gold = importedWithAnnotation(row);
  const names = new Map(
    (db.prepare('SELECT id, name FROM checkpoints').all() as { id: string; name: string }[]).map((c) => [
      c.id,
      c.name,
    ]),
  );
  const modelName = (id: string | null) => (id === null ? undefined : (names.get(id) ?? id));
  const examples = db
    .prepare('SELECT id, text, source_id, status FROM examples WHERE dataset_id = ? ORDER BY idx')
    .all(row.id) as { id: number; text: string; source_id: string | null; status: ExampleStatus }[];
  const spans = db
    .prepare(
      `SELECT example_id, start, end, label, source, score, checkpoint_id, origin FROM annotations
       WHERE dataset_id = ? ORDER BY example_id, id`,
    )
    .all(row.id) as {
    example_id: number;
    start: number;
    end: number;
    label: string;
    source: 'gold' | 'annotator' | 'model';
    score: number | null;
    checkpoint_id: string | null;
    origin: SpanOrigin | null;
  }[];
  const working = new Map<number, ExportSpan[]>();
  const predicted = new Map<number, Map<string, ModelPrediction>>();
  for (const span of spans) {
    const entity = { start: span.start, end: span.end, label: span.label };
    if (span.source === 'model') {
      let byModel = predicted.get(span.example_id);
      if (!byModel) predicted.set(span.example_id, (byModel = new Map()));
      const model = modelName(span.checkpoint_id) ?? 'model';
      let prediction = byModel.get(model);
      if (!prediction) byModel.set(model, (prediction = { model, spans: [] }));
      prediction.spans.push({ ...entity, score: span.score ?? 0 });
      continue;
    }
    let list = working.get(span.example_id);
    if (!list) working.set(span.example_id, (list = []));
    const origin =
      span.source === 'gold' ? null : (span.origin ?? (span.checkpoint_id ? 'prediction' : 'manual'));
    if (origin === null) list.push(entity);
    else {
      const model = modelName(span.checkpoint_id);
      list.push({
        ...entity,
        provenance: {
          origin,
          ...(origin !== 'manual' && model !== undefined ? { model } : {}),
          ...(origin !== 'manual' && span.score !== null ? { score: span.score } : {}),
        },
      });
    }
  }
  return examples.map((e) => {
    const status: NerExampleStatus = e.status === 'unannotated' && gold ? 'imported' : e.status;
    const record: NerExportRecord = { text: e.text, spans: working.get(e.id) ?? [], status };
    if (gold) record.fromAnnotatedFile = true;
    if (e.source_id !== null) record.id = e.source_id;
    const predictions = predicted.get(e.id);
    if (predictions) record.predictions = [...predictions.values()];
    return record;
  });
}

/** Every example of a NER dataset with its working spans, in file order (spans in stored order). */
export function nerRecords(db: DatabaseSync, datasetId: string): NerExample[] {
  const examples = db
    .prepare('SELECT id, text, source_id FROM examples WHERE dataset_id = ? ORDER BY idx')
    .all(datasetId) as { id: number; text: string; source_id: string | null }[];
  const spans = db
    .prepare(
      `SELECT example_id, start, end, label FROM annotations WHERE dataset_id = ? AND source != 'model'
       ORDER BY example_id, id`,
    )
    .all(datasetId) as { example_id: number; start: number; end: number; label: string }[];
  const byExample = new Map<number, NerExample['spans']>();
  for (const span of spans) {
    let list = byExample.get(span.example_id);
    if (!list) byExample.set(span.example_id, (list = []));
    list.push({ start: span.start, end: span.end, label: span.label });
  }
  return examples.map((e) => {
    const record: NerExample = { text: e.text, spans: byExample.get(e.id) ?? [] };
    if (e.source_id !== null) record.id = e.source_id;
    return record;
  });
}

/** The exporter and its options; the import's layout is reused when writing the format it came in. */
function exportOptions(
  requested: DatasetExportFormat,
  importedFormat: string,
  layoutJson: string | null,
): { format: NerExportFormat; options: NerExportOptions } {
  const layout = layoutJson ? (JSON.parse(layoutJson) as SourceLayout) : null;
  switch (requested) {
    case 'char-per-line-bio':
    case 'char-per-line-bioes': {
      const scheme = requested === 'char-per-line-bio' ? 'BIO' : 'BIOES';
      const options: NerExportOptions =
        importedFormat === 'char-per-line' && layout
          ? { ...(layout as CharPerLineLayout), scheme }
          : { scheme };
      return { format: 'char-per-line', options };
    }
    default:
      return { format: requested, options: importedFormat === requested && layout ? { ...layout } : {} };
  }
}
