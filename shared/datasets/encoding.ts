/**
 * Recognising a file in the wrong encoding, so the error says which encoding to pick. UTF-16 is what
 * Windows tools (Notepad's "Unicode", Excel's "Unicode Text", PowerShell's Out-File) write; read as UTF-8
 * it is a BOM that does not decode and a NUL after every ASCII character.
 */

export type Utf16Encoding = 'utf-16le' | 'utf-16be';

/** Bytes looked at when guessing. */
const PROBE_BYTES = 4096;

/** 'utf-16le' / 'utf-16be' when the bytes look like UTF-16 (a BOM, or NULs in every other byte), else null. */
export function guessUtf16(bytes: Uint8Array): { encoding: Utf16Encoding; why: string } | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return { encoding: 'utf-16le', why: 'it starts with the UTF-16LE byte order mark FF FE' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return { encoding: 'utf-16be', why: 'it starts with the UTF-16BE byte order mark FE FF' };
  const end = Math.min(bytes.length, PROBE_BYTES) & ~1;
  if (end < 8) return null;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < end; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  const pairs = end / 2;
  // ASCII (digits, tags, punctuation, newlines) is common even in Chinese corpora: its high byte is 0.
  if (oddNuls >= pairs * 0.3 && evenNuls === 0)
    return { encoding: 'utf-16le', why: 'every other byte is NUL (0x00), as UTF-16LE writes ASCII' };
  if (evenNuls >= pairs * 0.3 && oddNuls === 0)
    return { encoding: 'utf-16be', why: 'every other byte is NUL (0x00), as UTF-16BE writes ASCII' };
  return null;
}

/** The sentence to append to an error about a file that did not decode or parse as `encoding`. */
export function encodingHint(bytes: Uint8Array, encoding: string): string | undefined {
  const normalised = encoding.toLowerCase().replace(/[-_]/g, '');
  const utf16 = normalised.startsWith('utf16') ? null : guessUtf16(bytes);
  if (utf16)
    return `The file looks UTF-16 encoded (${utf16.why}): import it again with the encoding set to "${utf16.encoding}", or save it as UTF-8.`;
  if (normalised === 'utf8')
    return 'If the file is GBK / GB18030 encoded, import it again with the encoding set to "gb18030".';
  return undefined;
}
