import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeFileAtomically } from './atomicWrite';

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
