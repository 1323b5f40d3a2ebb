import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetFormatError, detectFormat, importDataset } from './index';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/datasets/${path}`, import.meta.url));

describe('format detection from content', () => {
  it.each([
    ['peoples_daily_ner/example.dev', 'char-per-line', 'ner'],
    ['msra_ner/msra_test_bio.txt', 'char-per-line', 'ner'],
    ['peoples_daily_ner_chinese_bert_wwm/dev.txt', 'char-per-line', 'ner'],
    ['wnut17_en/emerging.dev.conll', 'char-per-line', 'ner'],
    ['msra_ner_ernie/dev.tsv', 'ernie-tsv', 'ner'],
    ['cluener2020/dev.json', 'cluener', 'ner'],
    ['lcqmc/dev.excerpt.txt', 'tsv-pair', 'pair'],
    ['chnsenticorp/dev.excerpt.tsv', 'tsv-classification', 'classification'],
    ['xnli_zh/dev.excerpt.tsv', 'tsv-pair', 'pair'],
    ['ocnli/dev.excerpt.json', 'json-pair', 'pair'],
    ['cmrc2018/cmrc2018_dev.excerpt.json', 'squad', 'qa'],
    ['c3/c3-m-dev.excerpt.json', 'c3', 'mc'],
  ])('%s → %s', (path, format, task) => {
    const bytes = fixture(path);
    // The file name is deliberately uninformative: content decides.
    const detected = detectFormat(bytes, 'upload.bin');
    expect(detected).toMatchObject({ format, task });
    expect(detected.reason.length).toBeGreaterThan(10);
    const result = importDataset(bytes, { file: path });
    expect(result.format).toBe(format);
    expect(result.task).toBe(task);
  });

  it('Label Studio and Prodigy exports are told apart from CLUENER', () => {
    const ls = JSON.stringify([{ id: 1, data: { text: '北京' }, annotations: [{ result: [] }] }]);
    expect(detectFormat(ls).format).toBe('label-studio');
    expect(detectFormat('{"text": "北京", "spans": [{"start": 0, "end": 2, "label": "LOC"}]}\n').format).toBe(
      'jsonl-spans',
    );
    expect(detectFormat('{"text": "北京", "label": {"address": {"北京": [[0, 1]]}}}\n').format).toBe(
      'cluener',
    );
    expect(detectFormat('\ufeff中 B-LOC\r\n国 I-LOC\r\n\r\n').format).toBe('char-per-line');
    expect(detectFormat('[{"sentence1": "a", "sentence2": "b", "label": "0"}]').format).toBe('json-pair');
  });

  it('an override skips detection', () => {
    const result = importDataset('中 O\n\n', { format: 'char-per-line' });
    expect(result.records).toEqual([{ text: '中', spans: [] }]);
    expect(() => importDataset('中 O\n\n', { format: 'cluener', file: 'x.txt' })).toThrow(
      /^x\.txt:1: expected valid JSON/,
    );
  });

  it('an unknown format says what is supported', () => {
    const error = (() => {
      try {
        detectFormat('just some prose without structure\nand another line of it\n', 'notes.md');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatasetFormatError);
    expect((error as Error).message).toMatch(
      /^notes\.md:1: expected a known dataset format: "<char> <tag>" lines, ERNIE TSV/,
    );
  });
});
