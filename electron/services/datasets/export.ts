/** Export of the working annotation through shared/datasets' NER exporters, written atomically. */
import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import {
  DatasetExportError,
  exportNer,
  type CharPerLineLayout,
  type NerExample,
  type NerExportFormat,
  type NerExportOptions,
  type SourceLayout,
} from '../../../shared/datasets';
import type { DatasetExportFormat } from '../../../shared/ipc';
import { writeFileAtomically } from '../atomicWrite';
import { ServiceError } from '../errors';
import type { DatasetRow } from './rows';

/**
 * Writes the working annotation (gold + annotator spans; model suggestions are left out) with the
 * shared/datasets exporters, atomically: a temp file in the same folder, renamed over `path`.
 */
export async function exportDataset(
  db: DatabaseSync,
  request: {
    id: string;
    format: DatasetExportFormat;
    path: string;
  },
): Promise<{ path: string; examples: number; spans: number; bytes: number }> {
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
  const records = nerRecords(db, row.id);
  const { format, options } = exportOptions(request.format, row.format, row.layout_json);
  let content: string;
  try {
    content = exportNer(records, format, options);
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
    examples: records.length,
    spans: records.reduce((sum, r) => sum + r.spans.length, 0),
    bytes: bytes.length,
  };
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
