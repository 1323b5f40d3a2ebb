/** Which exported examples are known: what "done only" writes and Label Studio gives `annotations`. */
import type { NerExportRecord } from './types';

/**
 * Done, or annotated by the file it was imported from: a record without a status (its file's spans), an
 * untouched example of an annotated corpus (`imported`), or any example of one (`fromAnnotatedFile`: its
 * file's annotation, edited here, is still the best known one).
 */
export function isKnownExample(record: Pick<NerExportRecord, 'status' | 'fromAnnotatedFile'>): boolean {
  return (
    record.status === undefined ||
    record.status === 'done' ||
    record.status === 'imported' ||
    record.fromAnnotatedFile === true
  );
}
