// Every file in ../shared/datasets (the full public corpora, not shipped with the repo) imports with the
// counts its README states. CI clones have no ../shared: the copied slices in fixtures/datasets are tested
// by nerCorpora/benchmarkFormats/quirks tests; this suite skips there and runs wherever ../shared exists.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { importDataset } from './importDataset';
import type { DatasetCounts, DatasetFormat } from './types';

const sharedDatasets = resolve(__dirname, '../../../shared/datasets');
const present = existsSync(join(sharedDatasets, 'README.md'));

interface Expected {
  /** Path under ../shared/datasets. */
  file: string;
  format: DatasetFormat;
  records: number;
  skipped?: number;
  /** Counts fields to compare exactly (README figures). */
  counts?: Partial<DatasetCounts>;
  /** Entities in all (NER). */
  entities?: number;
}

// Figures from ../shared/datasets/README.md, section by section (1-12).
const files: Expected[] = [
  {
    file: 'peoples_daily_ner/example.dev',
    format: 'char-per-line',
    records: 2318,
    counts: { tokens: 109_870 },
  },
  { file: 'msra_ner/msra_test_bio.txt', format: 'char-per-line', records: 3442, counts: { tokens: 172_601 } },
  {
    file: 'peoples_daily_ner_chinese_bert_wwm/dev.txt',
    format: 'char-per-line',
    records: 4631,
    counts: {
      tokens: 172_601,
      tags: {
        O: 152_505,
        'B-LOC': 2877,
        'I-LOC': 4394,
        'B-ORG': 1331,
        'I-ORG': 5670,
        'B-PER': 1973,
        'I-PER': 3851,
      },
    },
  },
  { file: 'msra_ner_ernie/dev.tsv', format: 'ernie-tsv', records: 2318 },
  { file: 'cluener2020/dev.json', format: 'cluener', records: 1343, entities: 3072 },
  { file: 'lcqmc/dev.txt', format: 'tsv-pair', records: 8802, counts: { labels: { '1': 4402, '0': 4400 } } },
  {
    file: 'lcqmc/test.txt',
    format: 'tsv-pair',
    records: 12_500,
    counts: { labels: { '0': 6250, '1': 6250 } },
  },
  {
    file: 'chnsenticorp/dev.tsv',
    format: 'tsv-classification',
    records: 1200,
    counts: { labels: { '0': 607, '1': 593 } },
  },
  {
    file: 'chnsenticorp/test.tsv',
    format: 'tsv-classification',
    records: 1200,
    counts: { labels: { '1': 608, '0': 592 } },
  },
  {
    file: 'xnli_zh/dev.tsv',
    format: 'tsv-pair',
    records: 2490,
    counts: { labels: { contradiction: 830, entailment: 830, neutral: 830 } },
  },
  {
    file: 'xnli_zh/test.tsv',
    format: 'tsv-pair',
    records: 5010,
    counts: { labels: { contradiction: 1670, entailment: 1670, neutral: 1670 } },
  },
  // 3000 examples; the ones without a gold label ("-") are skipped with a warning.
  { file: 'ocnli/dev.json', format: 'json-pair', records: -3000 },
  { file: 'cmrc2018/cmrc2018_dev.json', format: 'squad', records: 3219, counts: { answers: 9657 } },
  { file: 'cmrc2018/cmrc2018_trial.json', format: 'squad', records: 1002, counts: { answers: 1002 } },
  {
    file: 'c3/c3-d-dev.json',
    format: 'c3',
    records: 1825,
    counts: { documents: 1628, labels: { '4 choices': 1512, '3 choices': 313 } },
  },
  {
    file: 'c3/c3-m-dev.json',
    format: 'c3',
    records: 1991,
    counts: { documents: 1046, labels: { '4 choices': 1669, '3 choices': 152, '2 choices': 170 } },
  },
  {
    file: 'wnut17_en/emerging.dev.conll',
    format: 'char-per-line',
    records: 1009,
    counts: { tokens: 15_733 },
  },
];

describe(`full files in ${sharedDatasets}`, () => {
  // The reason shows in the test output (vitest's skip note), not only in a title nobody sees when skipped.
  beforeEach((context) => {
    context.skip(
      !present,
      `${sharedDatasets} is absent (e.g. a CI clone); the slices in fixtures/datasets are tested instead`,
    );
  });

  it('covers every dataset folder of the README', () => {
    const folders = new Set(files.map((f) => f.file.split('/')[0]));
    expect(folders.size).toBe(12);
  });

  for (const expected of files) {
    it(`${expected.file}: ${expected.format}, ${Math.abs(expected.records)} records as the README says`, () => {
      const bytes = readFileSync(join(sharedDatasets, expected.file));
      const result = importDataset(bytes, { file: expected.file.split('/').pop()! });
      expect(result.format).toBe(expected.format);
      if (expected.records < 0) {
        // README total = kept + skipped (each skipped row is reported in a warning).
        expect(result.counts.records + result.counts.skipped).toBe(-expected.records);
        expect(result.counts.skipped).toBeGreaterThan(0);
      } else {
        expect(result.counts.records).toBe(expected.records);
        expect(result.records).toHaveLength(expected.records);
      }
      if (expected.counts) expect(result.counts).toMatchObject(expected.counts);
      if (expected.entities !== undefined) {
        const entities = Object.values(result.counts.entities ?? {}).reduce((a, b) => a + b, 0);
        expect(entities).toBe(expected.entities);
      }
    }, 60_000);
  }
});
