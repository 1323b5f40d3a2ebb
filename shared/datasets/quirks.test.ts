/**
 * Real-world quirks on small inputs: BOM, CRLF, missing final newline, malformed lines (all-or-nothing
 * with file:line:column), encodings, Label Studio UTF-16 offsets, Prodigy rejects, exports that
 * cannot hold a record.
 */
import { describe, expect, it } from 'vitest';
import {
  DatasetExportError,
  DatasetFormatError,
  exportCharPerLine,
  exportLabelStudio,
  exportNer,
  importDataset,
  parseCharPerLine,
  parseJsonlSpans,
  parseLabelStudio,
  type DatasetImportResult,
  type NerExample,
} from './index';

const warning = (result: Omit<DatasetImportResult, 'records'>, code: string) =>
  result.warnings.find((w) => w.code === code);
const utf8 = (s: string) => new TextEncoder().encode(s);

function thrown(fn: () => unknown): DatasetFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DatasetFormatError) return error;
    throw error;
  }
  throw new Error('expected a DatasetFormatError');
}

describe('character-per-line quirks', () => {
  it('BOM + CRLF are normalised, reported, and put back by an export with the same layout', () => {
    const source = '\ufeff中 B-ORG\r\n共 I-ORG\r\n很 O\r\n\r\n好 O\r\n\r\n';
    const result = parseCharPerLine(utf8(source), { file: 'crlf.txt' }).readAll();
    expect(result.records).toEqual([
      { text: '中共很', spans: [{ start: 0, end: 2, label: 'ORG' }] },
      { text: '好', spans: [] },
    ]);
    expect(result.layout).toMatchObject({
      bom: true,
      lineEnding: 'crlf',
      finalNewline: true,
      trailingBlankLine: true,
    });
    expect(warning(result, 'bom')?.severity).toBe('info');
    expect(warning(result, 'crlf')?.message).toContain('6 CRLF');
    // Same layout → the same bytes; default layout → the documented normalisation (no BOM, LF).
    expect(exportCharPerLine(result.records, result.layout)).toBe(source);
    expect(exportCharPerLine(result.records)).toBe(source.replace('\ufeff', '').replace(/\r\n/g, '\n'));
  });

  it('a missing final newline still yields the last sentence and is reproduced on export', () => {
    const source = '北 B-LOC\n京 I-LOC';
    const result = parseCharPerLine(source).readAll();
    expect(result.records).toEqual([{ text: '北京', spans: [{ start: 0, end: 2, label: 'LOC' }] }]);
    expect(warning(result, 'no-final-newline')).toBeDefined();
    expect(result.layout).toMatchObject({ finalNewline: false, trailingBlankLine: false });
    expect(exportCharPerLine(result.records, result.layout)).toBe(source);
  });

  it('extra blank lines and whitespace-only lines are reported, not turned into empty sentences', () => {
    const result = parseCharPerLine('甲 O\n\n\n乙 O\n \n丙 O\n\n').readAll();
    expect(result.records.map((r) => r.text)).toEqual(['甲', '乙', '丙']);
    expect(warning(result, 'extra-blank-line')).toMatchObject({ count: 1, lines: [3] });
    expect(warning(result, 'whitespace-line')).toMatchObject({ count: 1, lines: [5] });
  });

  it('a space character as the token ("  O") and a full-width space survive a round trip', () => {
    const source = 'A B-ORG\n  O\nB B-ORG\n\u3000 O\n\n';
    const result = parseCharPerLine(source).readAll();
    expect(result.records[0]).toEqual({
      text: 'A B\u3000',
      spans: [
        { start: 0, end: 1, label: 'ORG' },
        { start: 2, end: 3, label: 'ORG' },
      ],
    });
    expect(exportCharPerLine(result.records, result.layout)).toBe(source);
  });

  it('a line without a tag fails with file, line and the expected shape; nothing is returned', () => {
    const source = '中 B-ORG\n共 I-ORG\n\n国\n\n';
    const error = thrown(() => importDataset(source, { file: 'broken.txt' }));
    expect(error.file).toBe('broken.txt');
    expect(error.line).toBe(4);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'DatasetFormatError',
      file: 'broken.txt',
      line: 4,
      found: '"国"',
    });
    expect(error.message).toBe(
      'broken.txt:4: expected "<char><space><tag>" (one char and its tag per line, a blank line between sentences), found "国".',
    );
  });

  it('an unknown tag fails with its column', () => {
    const error = thrown(() => parseCharPerLine('中\tB-ORG\n共\tPERSON\n\n', { file: 'x.tsv' }).readAll());
    expect(error.line).toBe(2);
    expect(error.column).toBe(3);
    expect(error.message).toContain('expected a tag "O" or "<B|I|E|S|M>-<type>" such as "B-PER"');
    expect(error.message).toContain('found "PERSON"');
  });

  it('the streaming reader stops at the error: records before it were yielded, the caller rolls back', () => {
    const reader = parseCharPerLine('甲 O\n\n乙 O\n\n丙\n', { file: 's.txt' });
    const seen: string[] = [];
    expect(() => {
      for (const record of reader) seen.push(record.text);
    }).toThrow(DatasetFormatError);
    expect(seen).toEqual(['甲', '乙']);
    expect(() => reader.result()).toThrow(/read all records/);
  });

  it('invalid UTF-8 fails with the byte offset and line; GB18030 input reads with the encoding option', () => {
    const bytes = new Uint8Array([...utf8('中 O\n'), 0xd6, 0xd0, 0x20, 0x4f, 0x0a]); // 中 in GBK on line 2
    const error = thrown(() => parseCharPerLine(bytes, { file: 'gbk.txt' }).readAll());
    expect(error.line).toBe(2);
    expect(error.message).toContain('an invalid byte 0xd6 at byte offset 6');
    expect(error.message).toContain('gb18030');
    const gbk = new Uint8Array([0xd6, 0xd0, 0x20, 0x42, 0x2d, 0x4c, 0x4f, 0x43, 0x0a, 0x0a]); // "中 B-LOC\n\n"
    expect(parseCharPerLine(gbk, { encoding: 'gb18030' }).readAll().records).toEqual([
      { text: '中', spans: [{ start: 0, end: 1, label: 'LOC' }] },
    ]);
  });

  it('an ERNIE file in BIOES is detected and re-exported unchanged', () => {
    const source = 'text_a\tlabel\n张\u0002在\u0002北\u0002京\tS-PER\u0002O\u0002B-LOC\u0002E-LOC\n';
    const result = importDataset(source, { file: 'bioes.tsv' });
    expect(result.layout).toMatchObject({ scheme: 'BIOES', header: ['text_a', 'label'] });
    expect(result.warnings).toEqual([]);
    expect(exportNer(result.records as NerExample[], 'ernie-tsv', result.layout)).toBe(source);
  });

  it('ERNIE rows with different numbers of chars and tags fail at that row', () => {
    const source = 'text_a\tlabel\n中\u0002国\tB-LOC\u0002I-LOC\n美\u0002国\tB-LOC\n';
    expect(() => importDataset(source, { file: 'dev.tsv' })).toThrow(
      'dev.tsv:3: expected as many U+0002-separated tags as characters, found 2 characters and 1 tags.',
    );
  });
});

describe('span JSON formats', () => {
  it('Label Studio offsets are UTF-16 units: converted to code points on import and back on export', () => {
    const text = '😀我在北京';
    const tasks = [
      {
        id: 7,
        data: { text },
        annotations: [
          { was_cancelled: true, result: [] },
          {
            result: [
              {
                type: 'labels',
                from_name: 'label',
                to_name: 'text',
                value: { start: 4, end: 6, text: '北京', labels: ['LOC'] },
              },
              { type: 'choices', from_name: 'sentiment', to_name: 'text', value: { choices: ['pos'] } },
            ],
          },
        ],
      },
      { id: 8, data: { text: '没有标注' }, annotations: [] },
    ];
    const source = JSON.stringify(tasks, null, 2);
    const result = parseLabelStudio(source, { file: 'ls.json' }).readAll();
    expect(result.records).toEqual([
      { id: '7', text, spans: [{ start: 3, end: 5, label: 'LOC' }] },
      { id: '8', text: '没有标注', spans: [] },
    ]);
    expect(warning(result, 'other-result-type')?.count).toBe(1);
    expect(warning(result, 'unannotated')?.count).toBe(1);
    // Warnings point at the task's text in the file.
    const line = warning(result, 'unannotated')!.lines[0];
    expect(source.split('\n')[line - 1]).toContain('"text": "没有标注"');
    expect(warning(result, 'cancelled-annotations')?.count).toBe(1);
    const exported = JSON.parse(exportLabelStudio(result.records));
    expect(exported[0].annotations[0].result[0].value).toEqual({
      start: 4,
      end: 6,
      text: '北京',
      labels: ['LOC'],
    });
    expect(parseLabelStudio(exportLabelStudio(result.records)).readAll().records).toEqual(result.records);
  });

  it('Label Studio JSON-MIN export reads too', () => {
    const min = [{ id: 1, text: '上海很大', label: [{ start: 0, end: 2, text: '上海', labels: ['LOC'] }] }];
    const result = importDataset(JSON.stringify(min), { file: 'min.json' });
    expect(result.format).toBe('label-studio');
    expect(result.records).toEqual([
      { id: '1', text: '上海很大', spans: [{ start: 0, end: 2, label: 'LOC' }] },
    ]);
  });

  it('a Label Studio offset that splits an emoji fails and names the task', () => {
    const tasks = [
      {
        id: 3,
        data: { text: '😀北京' },
        annotations: [{ result: [{ type: 'labels', value: { start: 1, end: 4, labels: ['LOC'] } }] }],
      },
    ];
    expect(() => parseLabelStudio(JSON.stringify(tasks), { file: 'ls.json' }).readAll()).toThrow(
      /^ls\.json:1: expected task 3 .*UTF-16 offset 1 splits a surrogate pair/,
    );
  });

  it('Prodigy JSONL: code point offsets, rejected answers skipped with a warning, doccano lists read', () => {
    const lines = [
      {
        text: '😀张三在北京',
        spans: [{ start: 1, end: 3, label: 'PER', token_start: 1, token_end: 2 }],
        answer: 'accept',
        _input_hash: 1,
      },
      { text: '李四', spans: [{ start: 0, end: 2, label: 'PER' }], answer: 'reject' },
      {
        text: '王五去上海',
        label: [
          [0, 2, 'PER'],
          [3, 5, 'LOC'],
        ],
      },
    ];
    const result = parseJsonlSpans(lines.map((l) => JSON.stringify(l)).join('\n') + '\n', {
      file: 'p.jsonl',
    }).readAll();
    expect(result.records).toEqual([
      { text: '😀张三在北京', spans: [{ start: 1, end: 3, label: 'PER' }] },
      {
        text: '王五去上海',
        spans: [
          { start: 0, end: 2, label: 'PER' },
          { start: 3, end: 5, label: 'LOC' },
        ],
      },
    ]);
    expect(result.counts.skipped).toBe(1);
    expect(warning(result, 'not-accepted')).toMatchObject({ count: 1, lines: [2] });
  });

  it('a CLUENER end offset past the text fails with what was expected', () => {
    const line = JSON.stringify({ text: '北京', label: { address: { 北京: [[0, 2]] } } });
    expect(() => importDataset(line + '\n', { file: 'dev.json' })).toThrow(
      'dev.json:1: expected label.address["北京"] positions as [start, end_inclusive] with 0 <= start <= end < 2 (text length), found [0,2].',
    );
  });
});

describe('exports that cannot hold a record say which record and why', () => {
  const overlapping: NerExample[] = [
    { text: '甲', spans: [] },
    {
      text: '北京大学',
      spans: [
        { start: 0, end: 2, label: 'LOC' },
        { start: 0, end: 4, label: 'ORG' },
      ],
    },
  ];

  it('overlapping spans cannot be written as BIO, but JSONL spans keep them', () => {
    expect(() => exportNer(overlapping, 'char-per-line')).toThrow(DatasetExportError);
    expect(() => exportNer(overlapping, 'char-per-line')).toThrow(
      /^record #2: spans \[0, 2\) LOC and \[0, 4\) ORG overlap/,
    );
    const back = parseJsonlSpans(exportNer(overlapping, 'jsonl-spans')).readAll();
    expect(back.records).toEqual(overlapping);
    expect(warning(back, 'overlapping-spans')?.count).toBe(1);
  });

  it('a token span that does not end on a token boundary cannot be written one token per line', () => {
    const records: NerExample[] = [{ text: 'New York City', spans: [{ start: 0, end: 6, label: 'LOC' }] }];
    expect(() => exportCharPerLine(records, { unit: 'token' })).toThrow(
      /does not start and end on token boundaries/,
    );
    expect(
      exportCharPerLine([{ text: 'New York City', spans: [{ start: 0, end: 8, label: 'LOC' }] }], {
        unit: 'token',
        separator: '\t',
      }),
    ).toBe('New\tB-LOC\nYork\tI-LOC\nCity\tO\n\n');
  });
});

describe('label names', () => {
  it('labelAliases rename entity types and classes while reading, and counts use the new names', () => {
    const line = JSON.stringify({ text: '国务院办公厅', label: { goverment: { 国务院办公厅: [[0, 5]] } } });
    const plain = importDataset(`${line}\n`, { file: 'pred.json' });
    expect(plain.records[0]).toEqual({
      text: '国务院办公厅',
      spans: [{ start: 0, end: 6, label: 'goverment' }],
    });
    expect(warning(plain, 'goverment-spelling')).toMatchObject({ count: 1, lines: [1] });
    const aliased = importDataset(`${line}\n`, {
      file: 'pred.json',
      labelAliases: { goverment: 'government' },
    });
    expect(aliased.records).toEqual([
      { text: '国务院办公厅', spans: [{ start: 0, end: 6, label: 'government' }] },
    ]);
    expect(aliased.counts.entities).toEqual({ government: 1 });
    const tsv = importDataset('label\ttext_a\npos\t好\nneg\t差\n', { labelAliases: { pos: '1', neg: '0' } });
    expect(tsv.records).toEqual([
      { text: '好', label: '1' },
      { text: '差', label: '0' },
    ]);
  });

  it('XNLI-MT "contradictory" reads as "contradiction"', () => {
    const result = importDataset('text_a\ttext_b\tlabel\n他来了\t他没来\tcontradictory\n', {
      file: 'train.tsv',
    });
    expect(result.records).toEqual([{ textA: '他来了', textB: '他没来', label: 'contradiction' }]);
    expect(warning(result, 'contradictory-label')).toMatchObject({ count: 1, lines: [2] });
  });

  it('given column names skip a header line that repeats them', () => {
    const result = importDataset('text_a\ttext_b\tlabel\n甲\t乙\t1\n', {
      format: 'tsv-pair',
      columns: ['text_a', 'text_b', 'label'],
    });
    expect(result.records).toEqual([{ textA: '甲', textB: '乙', label: '1' }]);
  });
});

describe('schemes and units of character-per-line files', () => {
  it('BIOS (S- for single chars, no E-) is detected and raises no invalid-tag warnings', () => {
    const source = '张 S-PER\n在 O\n北 B-LOC\n京 I-LOC\n\n';
    const result = parseCharPerLine(source).readAll();
    expect(result.layout).toMatchObject({ scheme: 'BIOS' });
    expect(result.warnings).toEqual([]);
    expect(result.records[0].spans).toEqual([
      { start: 0, end: 1, label: 'PER' },
      { start: 2, end: 4, label: 'LOC' },
    ]);
    expect(exportCharPerLine(result.records, result.layout)).toBe(source);
  });

  it('Chinese word-per-line files join words without spaces and report the multi-char lines', () => {
    const result = parseCharPerLine('北京 B-LOC\n大学 I-LOC\n很 O\n美丽 O\n\n', {
      file: 'words.txt',
    }).readAll();
    expect(result.layout).toMatchObject({ unit: 'char' });
    expect(result.records).toEqual([{ text: '北京大学很美丽', spans: [{ start: 0, end: 4, label: 'LOC' }] }]);
    expect(warning(result, 'multi-char-token')).toMatchObject({ count: 3, lines: [1, 2, 4] });
  });
});
