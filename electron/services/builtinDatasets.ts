/**
 * The builtin datasets: files in resources/datasets/ listed in its index.json
 * ({"datasets": [{"file", "name", "labels"?}]}), imported into every library on first start so a new person
 * has Chinese text to pre-annotate and a gold set to benchmark on without importing anything.
 *
 * A builtin that carries its own answers (NER entities, labels of a classification set...) is a benchmark's
 * gold set: it is read-only (`isReadOnlyDataset`), refused by every edit on the main side, and annotated
 * through a copy. A text-only NER corpus (one that needs `labels` here) is the one builtin people annotate.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';

export const builtinDatasetIdPrefix = 'builtin-';

export interface BuiltinDatasetEntry {
  /** The record id: builtin-<file>. */
  id: string;
  file: string;
  name: string;
  path: string;
  /** NER: the label set for a file without entities (a text-only corpus to annotate). */
  labels?: string[];
}

const indexSchema = z.object({
  datasets: z.array(
    z.object({
      file: z.string().min(1),
      name: z.string().trim().min(1),
      labels: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
    }),
  ),
});

/** Reads and checks resources/datasets/index.json; none when the folder or index is absent. */
export function readBuiltinDatasetIndex(resourcesDir: string): BuiltinDatasetEntry[] {
  const dir = join(resourcesDir, 'datasets');
  const indexFile = join(dir, 'index.json');
  if (!existsSync(indexFile)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch (error) {
    throw new Error(`${indexFile}: invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = indexSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${indexFile}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data.datasets.map(({ file, name, labels }, index) => {
    const path = join(dir, file);
    if (basename(file) !== file || !existsSync(path)) {
      throw new Error(`${indexFile}: datasets[${index}] names "${file}", which is not a file in ${dir}.`);
    }
    return { id: builtinDatasetIdPrefix + file, file, name, path, labels };
  });
}

/**
 * Whether a stored dataset is a builtin benchmark gold set (read-only): a builtin whose file brought its
 * answers (NER: at least one gold span; other tasks: always, their records hold the answers).
 */
export function isReadOnlyDataset(row: {
  builtin: number | boolean;
  task: string;
  spanCount: number;
}): boolean {
  if (!row.builtin) return false;
  return row.task !== 'ner' || row.spanCount > 0;
}
