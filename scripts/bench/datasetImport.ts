/**
 * Bench section "dataset import": the 100,000-sentence synthetic corpus (char-per-line BIO, a PER and a
 * LOC entity per sentence, as in datasetStore.test.ts) imported into a fresh data dir's store, in a fresh
 * child process so its peak RSS is the import's own. Reference: reading the same file with fs.
 *
 * Run as a script (`--child FILE DATA_DIR`) it is that child: it imports and prints one JSON line.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseFileName } from '../../electron/services/database';
import { createServices } from '../../electron/services/services';
import { readWholeFile, runChildScript } from './child';

interface ImportMeasurement {
  importMs: number;
  examples: number;
  spans: number;
  peakRssMb: number;
  baselineRssMb: number;
  databaseMb: number;
}

const sentences = 100_000;

/** `count` sentences like "张三在北京工作17", char-per-line with tabs, BIO, blank line between them. */
export function syntheticCorpus(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push('张\tB-PER\n三\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n工\tO\n作\tO\n');
    for (const digit of String(i % 1000)) parts.push(`${digit}\tO\n`);
    parts.push('\n');
  }
  return parts.join('');
}

export const datasetImportBenchSection = {
  name: 'dataset import',
  summary: `import of a ${sentences.toLocaleString('en')}-sentence synthetic NER corpus into the SQLite store (fresh process)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'nezha-bench-import-'));
    try {
      const file = join(dir, 'synthetic_100k.txt');
      writeFileSync(file, syntheticCorpus(sentences));
      const readMs = await readWholeFile(file);
      const line = runChildScript(fileURLToPath(import.meta.url), ['--child', file, join(dir, 'data')]);
      const m = JSON.parse(line) as ImportMeasurement;
      const fileMb = statSync(file).size / 2 ** 20;
      return [
        {
          name: `import ${m.examples.toLocaleString('en')} sentences, ${m.spans.toLocaleString('en')} spans (${fileMb.toFixed(1)} MB file)`,
          value: m.importMs / 1000,
          unit: 's',
          reference: `fs read of the same file (${readMs.toFixed(0)} ms)`,
          ratio: m.importMs / readMs,
        },
        { name: 'sentences per second', value: m.examples / (m.importMs / 1000), unit: '/s' },
        {
          name: 'peak RSS of the importing process',
          value: m.peakRssMb,
          unit: 'MB',
          reference: `same process before the import (${m.baselineRssMb.toFixed(0)} MB)`,
          ratio: m.peakRssMb / m.baselineRssMb,
        },
        { name: 'database size after import (with WAL)', value: m.databaseMb, unit: 'MB' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function child(file: string, dataDir: string): Promise<void> {
  const services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const summary = await services.datasetStore.import({ path: file });
  const importMs = performance.now() - t0;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  services.close();
  let databaseMb = 0;
  for (const name of [databaseFileName, `${databaseFileName}-wal`]) {
    try {
      databaseMb += statSync(join(dataDir, name)).size / 2 ** 20;
    } catch {
      // no WAL file after a checkpointed close
    }
  }
  const measurement: ImportMeasurement = {
    importMs,
    examples: summary.examples,
    spans: summary.spans,
    peakRssMb,
    baselineRssMb,
    databaseMb,
  };
  console.log(JSON.stringify(measurement));
}

if (process.argv[2] === '--child' && process.argv[1] === fileURLToPath(import.meta.url)) {
  await child(process.argv[3]!, process.argv[4]!);
}
