/**
 * The builtin datasets: files in resources/datasets/ listed in its index.json
 * ({"datasets": [{"file", "name", "labels"?}]}), imported into every library on first start so a new person
 * has Chinese text to pre-annotate and a gold set to benchmark on without importing anything.
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
