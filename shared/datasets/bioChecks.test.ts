import { describe, expect, it } from 'vitest';
import { importDataset } from './importDataset';
import type { AnyDatasetImportResult } from './types';

const encode = (text: string) => new TextEncoder().encode(text);
const read = (text: string, file = 'people.txt') => importDataset(encode(text), { file });
const warning = (result: AnyDatasetImportResult, code: string) =>
  result.warnings.find((w) => w.code === code);

describe('char-per-line BIO checks', () => {
  it('reports I-X after O with file:line, in a file whose tags otherwise look IO / IOB1', () => {
    // No B- starts an entity, so the scheme is guessed as IO: I-LOC after O is legal there, but in the
    // BIO files most corpora are it is the same mistake as I-LOC after B-PER.
    const io = read('在 O\n北 I-LOC\n京 I-LOC\n\n去 O\n上 I-LOC\n海 I-LOC\n');
    expect(warning(io, 'entity-starts-with-i')).toMatchObject({
      severity: 'warning',
      count: 2,
      lines: [2, 6],
      message: expect.stringMatching(
        /^2 entities start with an I- tag \(first: I-LOC after O\); the tags were read as IO.*\(people\.txt: lines 2, 6\)$/,
      ),
    });
    const iob1 = read('在 O\n北 I-LOC\n京 I-LOC\n\n张 I-PER\n三 I-PER\n李 B-PER\n四 I-PER\n');
    expect(warning(iob1, 'entity-starts-with-i')).toMatchObject({ count: 2, lines: [2, 5] });
    // In a BIO file the same tag is an invalid tag, as before.
    const bio = read('张 B-PER\n三 I-PER\n在 O\n北 I-LOC\n京 I-LOC\n');
    expect(warning(bio, 'invalid-tags')).toMatchObject({ lines: [4] });
    expect(warning(bio, 'entity-starts-with-i')).toBeUndefined();
    // A scheme given on purpose is not second-guessed.
    const given = importDataset(encode('在 O\n北 I-LOC\n京 I-LOC\n'), { file: 'x.txt', scheme: 'IO' });
    expect(given.warnings).toEqual([]);
  });

  it('reports a missing tag at its own line, not as "unknown format" at line 1', () => {
    for (const text of [
      '张 B-PER\n三\n',
      '张 B-PER\n三\n在 O\n',
      '张 B-PER\n三\n在 O\n北 B-LOC\n京 I-LOC\n',
    ]) {
      expect(() => read(text)).toThrow(
        'people.txt:2: expected "<char><space><tag>" (one char and its tag per line, a blank line between sentences), found "三".',
      );
    }
  });

  it('reports NUL characters in text with their lines, in every format', () => {
    const charPerLine = read('张 B-PER\n三\u0000 I-PER\n在 O\n');
    expect(warning(charPerLine, 'nul-in-text')).toMatchObject({ count: 1, lines: [2] });
    const jsonl = importDataset(
      encode('{"text": "北京\\u0000", "spans": []}\n{"text": "上海", "spans": []}\n'),
      {
        file: 'x.jsonl',
      },
    );
    expect(warning(jsonl, 'nul-in-text')).toMatchObject({ count: 1, lines: [1] });
    expect(warning(jsonl, 'nul-in-text')!.message).toMatch(/U\+0000 \(NUL control char/);
    expect(warning(read('张 B-PER\n三 I-PER\n'), 'nul-in-text')).toBeUndefined();
  });
});
