import { describe, expect, it } from 'vitest';
import { importDataset } from './importDataset';
import { guessUtf16 } from './encoding';

const bio = '张 B-PER\n三 I-PER\n在 O\n北 B-LOC\n京 I-LOC\n\n李 B-PER\n四 I-PER\n';

function utf16le(text: string, bom: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  return new Uint8Array(bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body);
}

function utf16be(text: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return new Uint8Array(be);
}

describe('dataset encodings', () => {
  it('passes the encoding option to format detection: UTF-16 files import with it', () => {
    for (const [bytes, encoding] of [
      [utf16le(bio, true), 'utf-16le'],
      [utf16le(bio, false), 'utf-16le'],
      [utf16be(bio), 'utf-16be'],
    ] as const) {
      const result = importDataset(bytes, { file: 'people.txt', encoding });
      expect(result.format, encoding).toBe('char-per-line');
      expect(result.records.map((r) => (r as { text: string }).text)).toEqual(['张三在北京', '李四']);
    }
    // The BOM is recorded, like a UTF-8 one, so an export can put it back.
    expect(
      importDataset(utf16le(bio, true), { file: 'people.txt', encoding: 'utf-16le' }).layout,
    ).toMatchObject({ bom: true });
  });

  it('without the option, names UTF-16 and the encoding to pick instead of "unknown format"', () => {
    expect(() => importDataset(utf16le(bio, true), { file: 'people.txt' })).toThrow(
      'people.txt:1: expected UTF-8 text, or the encoding option set to the encoding of the file, found UTF-16 text (it starts with the UTF-16LE byte order mark FF FE). Import it again with the encoding set to "utf-16le", or save it as UTF-8.',
    );
    expect(() => importDataset(utf16be(bio), { file: 'people.txt' })).toThrow(
      /every other byte is NUL \(0x00\), as UTF-16BE writes ASCII\)\. Import it again with the encoding set to "utf-16be"/,
    );
    // With the format given (no detection), the decoding error carries the same hint.
    expect(() => importDataset(utf16le(bio, true), { file: 'people.txt', format: 'char-per-line' })).toThrow(
      /invalid byte 0xff at byte offset 0\. The file looks UTF-16 encoded .* "utf-16le"/,
    );
  });

  it('refuses an unknown encoding label by name, before detection', () => {
    expect(() =>
      importDataset(new TextEncoder().encode(bio), { file: 'people.txt', encoding: 'klingon' }),
    ).toThrow(/people\.txt: expected a text encoding TextDecoder knows, .* found "klingon"/);
  });

  it('does not take UTF-8 Chinese text or GB18030 for UTF-16', () => {
    expect(guessUtf16(new TextEncoder().encode(bio.repeat(20)))).toBeNull();
    expect(
      guessUtf16(new Uint8Array([0xd5, 0xc5, 0x20, 0x42, 0x2d, 0x50, 0x45, 0x52, 0x0a, 0xc8, 0xfd])),
    ).toBeNull();
  });
});
