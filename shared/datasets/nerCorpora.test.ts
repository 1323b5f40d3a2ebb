/**
 * The real NER corpora (copied byte for byte into fixtures/datasets/): counts from the datasets README,
 * quirks reported, and lossless export — same format gives the same bytes, other formats give the same
 * records back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCharPerLine } from './charPerLine';
import { parseCluener } from './cluener';
import { parseErnieTsv } from './ernieTsv';
import { exportNer, NER_EXPORT_FORMATS, type NerExportFormat } from './exportNer';
import { parseJsonlSpans } from './jsonlSpans';
import { parseLabelStudio } from './labelStudio';
import { sortSpans } from './tags';
import type { CharPerLineLayout, DatasetImportResult, NerExample } from './types';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/datasets/${path}`, import.meta.url));

const PEOPLES_DAILY = 'peoples_daily_ner/example.dev';
const MSRA = 'msra_ner/msra_test_bio.txt';
const WWM = 'peoples_daily_ner_chinese_bert_wwm/dev.txt';
const ERNIE = 'msra_ner_ernie/dev.tsv';
const CLUENER = 'cluener2020/dev.json';
const WNUT = 'wnut17_en/emerging.dev.conll';

const cache = new Map<string, DatasetImportResult<'ner'>>();
function load(path: string): DatasetImportResult<'ner'> {
  let result = cache.get(path);
  if (!result) {
    const bytes = fixture(path);
    const options = { file: path };
    result =
      path === ERNIE
        ? parseErnieTsv(bytes, options).readAll()
        : path === CLUENER
          ? parseCluener(bytes, options).readAll()
          : parseCharPerLine(bytes, options).readAll();
    cache.set(path, result);
  }
  return result;
}

function warning(result: DatasetImportResult, code: string) {
  return result.warnings.find((w) => w.code === code);
}

/** Records compared without caring about span order (CLUENER groups spans by type). */
function canonical(records: readonly NerExample[]) {
  return records.map((r) => ({ text: r.text, spans: sortSpans(r.spans) }));
}

/** Fast equality for thousands of records; shows a diff of the first differing record. */
function expectSameRecords(actual: readonly unknown[], expected: readonly unknown[]) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) {
      expect({ index: i, record: actual[i] }).toEqual({ index: i, record: expected[i] });
    }
  }
}

describe('corpus counts match the datasets README', () => {
  it("People's Daily example.dev: 2318 sentences, 109,870 chars, tags and entities", () => {
    const { counts, layout, records } = load(PEOPLES_DAILY);
    expect(counts.records).toBe(2318);
    expect(records).toHaveLength(2318);
    expect(counts.tokens).toBe(109_870);
    expect(counts.tags).toEqual({
      O: 97_811,
      'B-LOC': 1951,
      'I-LOC': 2581,
      'B-ORG': 984,
      'I-ORG': 3945,
      'B-PER': 884,
      'I-PER': 1714,
    });
    expect(counts.entities).toEqual({ LOC: 1951, ORG: 984, PER: 884 });
    expect(layout).toMatchObject({
      separator: ' ',
      scheme: 'BIO',
      unit: 'char',
      trailingBlankLine: true,
      bom: false,
    });
    expect(records[0].text.startsWith('在这里')).toBe(true);
  });

  it("People's Daily: the 4 sentences over 510 chars are reported, 0 invalid tags", () => {
    const result = load(PEOPLES_DAILY);
    expect(warning(result, 'too-long')?.count).toBe(4);
    expect(result.records.filter((r) => r.text.length > 510)).toHaveLength(4);
    expect(Math.max(...result.records.map((r) => r.text.length))).toBe(568);
    expect(warning(result, 'invalid-tags')).toBeUndefined();
  });

  it('MSRA test: 3442 sentences, 172,601 chars, tab separator, the 2427-char sentence #512', () => {
    const result = load(MSRA);
    const { counts, layout, records } = result;
    expect(counts.records).toBe(3442);
    expect(counts.tokens).toBe(172_601);
    expect(counts.tags).toEqual({
      O: 152_509,
      'B-LOC': 2886,
      'I-LOC': 4405,
      'B-ORG': 1331,
      'I-ORG': 5646,
      'B-PER': 1973,
      'I-PER': 3851,
    });
    expect(counts.entities).toEqual({ LOC: 2886, ORG: 1331, PER: 1973 });
    expect(layout).toMatchObject({ separator: '\t', scheme: 'BIO', unit: 'char' });
    expect(records[511].text).toHaveLength(2427);
    expect(records[511].text).toContain('邓小平');
    expect(warning(result, 'too-long')?.count).toBe(4);
    expect(warning(result, 'invalid-tags')).toBeUndefined();
  });

  it('Chinese-BERT-wwm dev.txt: 4631 pieces, 172,601 chars, the 11 pieces starting with I-PER repaired and reported', () => {
    const result = load(WWM);
    const { counts, records } = result;
    expect(counts.records).toBe(4631);
    expect(counts.tokens).toBe(172_601);
    expect(counts.tags).toEqual({
      O: 152_505,
      'B-LOC': 2877,
      'I-LOC': 4394,
      'B-ORG': 1331,
      'I-ORG': 5670,
      'B-PER': 1973,
      'I-PER': 3851,
    });
    // Each of the 11 I-PER piece starts becomes its own PER entity (conlleval), on top of the 1973 B-PER.
    expect(counts.entities).toEqual({ LOC: 2877, ORG: 1331, PER: 1973 + 11 });
    const invalid = warning(result, 'invalid-tags')!;
    expect(invalid.count).toBe(11);
    expect(invalid.message).toContain('I-PER does not follow B-PER or I-PER');
    const sourceLines = fixture(WWM).toString('utf8').split('\n');
    expect(invalid.lines).toHaveLength(5);
    for (const line of invalid.lines) {
      expect(sourceLines[line - 1]).toMatch(/ I-PER$/);
      expect(sourceLines[line - 2]).toBe('');
    }
    // Sentence indexes 685–710 (0-based) hold the pieces; each starts with a PER entity at offset 0.
    const startsWithPer = records.map((r, i) =>
      r.spans[0]?.start === 0 && r.spans[0].label === 'PER' ? i : -1,
    );
    expect(startsWithPer.filter((i) => i >= 685 && i <= 710).length).toBeGreaterThanOrEqual(11);
    expect(Math.max(...records.map((r) => r.text.length))).toBe(100);
    expect(records.filter((r) => r.text.length === 1)).toHaveLength(11);
  });

  it('Chinese-BERT-wwm holds the same 172,601 characters as MSRA test (the naming caveat)', () => {
    const wwm = load(WWM)
      .records.map((r) => r.text)
      .join('');
    const msra = load(MSRA)
      .records.map((r) => r.text)
      .join('');
    const toAsciiDigits = (s: string) =>
      s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
    expect(wwm.length).toBe(msra.length);
    expect(toAsciiDigits(wwm)).toBe(toAsciiDigits(msra));
  });

  it('ERNIE msra_ner dev.tsv: 2318 rows, same tags as example.dev, and the same records', () => {
    const result = load(ERNIE);
    expect(result.counts.records).toBe(2318);
    expect(result.counts.tags).toEqual(load(PEOPLES_DAILY).counts.tags);
    expect(result.counts.entities).toEqual({ LOC: 1951, ORG: 984, PER: 884 });
    expect(result.layout).toMatchObject({ header: ['text_a', 'label'] });
    // U+0002 is the separator, never content.
    expect(result.records.some((r) => r.text.includes('\u0002'))).toBe(false);
    expectSameRecords(result.records, load(PEOPLES_DAILY).records);
  });

  it('CLUENER dev: 1343 examples, 3072 spans by type, every span matches its entity text', () => {
    const result = load(CLUENER);
    expect(result.counts.records).toBe(1343);
    expect(result.counts.entities).toEqual({
      name: 465,
      position: 433,
      company: 378,
      address: 373,
      organization: 367,
      game: 295,
      government: 247,
      scene: 209,
      book: 154,
      movie: 151,
    });
    expect(result.records.reduce((n, r) => n + r.spans.length, 0)).toBe(3072);
    expect(result.warnings.filter((w) => w.severity === 'warning')).toEqual([]);
    const first = result.records[0];
    expect(first.text.startsWith('彭小军认为')).toBe(true);
    // Source order: address 台湾 [15, 16] (inclusive) then name 彭小军 [0, 2].
    expect(first.spans).toEqual([
      { start: 15, end: 17, label: 'address' },
      { start: 0, end: 3, label: 'name' },
    ]);
    expect(result.records.every((r) => r.spans.length > 0)).toBe(true);
  });

  it('WNUT-17 dev: 1009 posts, 15,733 tokens joined with spaces, emoji and in-token U+FEFF/U+200B reported', () => {
    const result = load(WNUT);
    const { counts, layout, records } = result;
    expect(counts.records).toBe(1009);
    expect(counts.tokens).toBe(15_733);
    expect(counts.tags).toEqual({
      O: 14_483,
      'B-person': 470,
      'I-person': 117,
      'B-creative-work': 105,
      'I-creative-work': 133,
      'B-product': 114,
      'I-product': 94,
      'B-location': 74,
      'I-location': 33,
      'B-group': 39,
      'I-group': 25,
      'B-corporation': 34,
      'I-corporation': 12,
    });
    expect(layout).toMatchObject({ separator: '\t', unit: 'token', scheme: 'BIO' });
    expect(warning(result, 'invalid-tags')).toBeUndefined();
    expect(warning(result, 'feff-in-text')).toMatchObject({ count: 1, lines: [16730] });
    expect(warning(result, 'zero-width-space')).toMatchObject({ count: 1, lines: [15556] });
    const redondo = records.find((r) => r.text.includes('Redondo Beach Blvd'))!;
    const span = redondo.spans.find((s) => s.label === 'location')!;
    expect(Array.from(redondo.text).slice(span.start, span.end).join('')).toBe('Redondo Beach Blvd');
    // Offsets count code points: the 123 emoji are one position each.
    const nonBmp = records.reduce(
      (n, r) => n + Array.from(r.text).filter((c) => c.codePointAt(0)! > 0xffff).length,
      0,
    );
    expect(nonBmp).toBe(123);
  });
});

describe('export after import is lossless', () => {
  const sameFormat: Array<[string, NerExportFormat]> = [
    [PEOPLES_DAILY, 'char-per-line'],
    [MSRA, 'char-per-line'],
    [WNUT, 'char-per-line'],
    [ERNIE, 'ernie-tsv'],
    [CLUENER, 'cluener'],
  ];

  it.each(sameFormat)('%s re-exported as %s is byte-identical', (path, format) => {
    const result = load(path);
    const exported = exportNer(result.records, format, result.layout);
    expect(exported === fixture(path).toString('utf8')).toBe(true);
  });

  it('Chinese-BERT-wwm re-exported is identical except the 11 repaired I-PER → B-PER lines', () => {
    const result = load(WWM);
    const exported = exportNer(result.records, 'char-per-line', result.layout).split('\n');
    const source = fixture(WWM).toString('utf8').split('\n');
    expect(exported).toHaveLength(source.length);
    const changed = source.flatMap((line, i) => (line === exported[i] ? [] : [[line, exported[i], i + 1]]));
    expect(changed).toHaveLength(11);
    for (const [before, after] of changed) {
      expect(before).toMatch(/^. I-PER$/);
      expect(after).toBe(String(before).replace('I-PER', 'B-PER'));
    }
  });

  const importers: Record<NerExportFormat, (text: string) => DatasetImportResult<'ner'>> = {
    'char-per-line': (text) => parseCharPerLine(text).readAll(),
    'ernie-tsv': (text) => parseErnieTsv(text).readAll(),
    cluener: (text) => parseCluener(text).readAll(),
    'jsonl-spans': (text) => parseJsonlSpans(text).readAll(),
    'label-studio': (text) => parseLabelStudio(text).readAll(),
  };

  const corpora = [PEOPLES_DAILY, MSRA, WWM, ERNIE, CLUENER, WNUT];
  const cases = corpora.flatMap((path) => NER_EXPORT_FORMATS.map((format) => [path, format] as const));

  it.each(cases)('%s → %s → import gives the same records', (path, format) => {
    const source = load(path);
    const tokenUnit = (source.layout as CharPerLineLayout).unit === 'token';
    const exported = exportNer(source.records, format, {
      unit: tokenUnit ? 'token' : 'char',
      separator: tokenUnit ? '\t' : ' ',
    });
    const back = importers[format](exported);
    expect(back.records).toHaveLength(source.records.length);
    expectSameRecords(canonical(back.records), canonical(source.records));
    expect(back.counts.entities).toEqual(source.counts.entities);
  });

  it.each([PEOPLES_DAILY, WWM, CLUENER])(
    '%s → char-per-line BIOES → import detects BIOES and gives the same records',
    (path) => {
      const source = load(path);
      const exported = exportNer(source.records, 'char-per-line', { scheme: 'BIOES' });
      expect(/^. E-/m.test(exported)).toBe(true);
      expect(/^. I-/m.test(exported)).toBe(true);
      const back = parseCharPerLine(exported).readAll();
      expect(back.layout).toMatchObject({ scheme: 'BIOES' });
      expect(back.warnings.find((w) => w.code === 'invalid-tags')).toBeUndefined();
      expectSameRecords(canonical(back.records), canonical(source.records));
    },
  );
});
