import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeFileAtomically, writeStreamAtomically } from './atomicWrite';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('replaces the file and leaves no temp file behind', async () => {
  const path = join(dir, 'out.txt');
  writeFileSync(path, 'old');
  await writeFileAtomically(path, 'new');
  expect(readFileSync(path, 'utf8')).toBe('new');
  expect(readdirSync(dir)).toEqual(['out.txt']);
});

it('when the rename fails, leaves the target as it was, removes the temp file and rethrows', async () => {
  // A non-empty directory cannot be renamed over: the temp file is written, then the rename fails.
  const target = join(dir, 'target');
  mkdirSync(target);
  writeFileSync(join(target, 'inside.txt'), 'kept');
  await expect(writeFileAtomically(target, 'new')).rejects.toThrow();
  expect(readFileSync(join(target, 'inside.txt'), 'utf8')).toBe('kept');
  expect(readdirSync(dir)).toEqual(['target']);
});

async function* chunksOf(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

it('streams chunks into place and answers the byte count', async () => {
  const path = join(dir, 'state.bin');
  writeFileSync(path, 'old');
  expect(await writeStreamAtomically(path, chunksOf('ab', 'cde', ''))).toBe(5);
  expect(readFileSync(path, 'utf8')).toBe('abcde');
  expect(readdirSync(dir)).toEqual(['state.bin']);
});

it('a stream that breaks off or is refused by the limit leaves the old file and no temp file', async () => {
  const path = join(dir, 'state.bin');
  writeFileSync(path, 'old');
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield new TextEncoder().encode('partial');
    throw new Error('connection reset');
  }
  await expect(writeStreamAtomically(path, broken())).rejects.toThrow('connection reset');
  const tooLarge = (bytes: number) => {
    if (bytes > 4) throw new Error(`over 4 bytes (${bytes})`);
  };
  await expect(writeStreamAtomically(path, chunksOf('abc', 'def'), tooLarge)).rejects.toThrow(
    'over 4 bytes (6)',
  );
  expect(readFileSync(path, 'utf8')).toBe('old');
  expect(readdirSync(dir)).toEqual(['state.bin']);
});
