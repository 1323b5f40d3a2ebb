/**
 * Checkpoint import refuses, by file and key, what would only fail later at load (or never say where):
 * absurd nesting in config.json, sizes no backend can allocate, head counts and activations the model
 * cannot build, and a vocab.txt that is not a UTF-8 token list.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCheckpointFolderOnDisk } from './checkpointFolder';

const base = resolve(__dirname, '../../fixtures/nezha-tiny/base');
const config = JSON.parse(readFileSync(join(base, 'config.json'), 'utf8')) as Record<string, unknown>;

let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-ckpt-validation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folderWith(change: {
  config?: Record<string, unknown>;
  configText?: string;
  vocab?: Uint8Array;
}): string {
  const folder = join(dir, `case-${++count}`);
  cpSync(base, folder, { recursive: true });
  if (change.configText !== undefined) writeFileSync(join(folder, 'config.json'), change.configText);
  else if (change.config)
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, ...change.config }));
  if (change.vocab) writeFileSync(join(folder, 'vocab.txt'), change.vocab);
  return folder;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('checkpoint import validation', () => {
  it('accepts the fixture as it is', async () => {
    await expect(inspectCheckpointFolderOnDisk(folderWith({}))).resolves.toMatchObject({
      format: 'safetensors',
    });
  });

  it('refuses a config.json nested a million levels deep, with file:line:column, not a stack overflow', async () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const folder = folderWith({
      configText: `{\n  "hidden_size": 32,\n  "task_specific_params": ${deep}\n}`,
    });
    await expect(inspectCheckpointFolderOnDisk(folder)).rejects.toThrow(
      new RegExp(`^${escape(join(folder, 'config.json'))}:3:1026: nested more than 1000 levels deep`),
    );
  });

  it('refuses sizes no backend can allocate, naming the key', async () => {
    await expect(
      inspectCheckpointFolderOnDisk(folderWith({ config: { max_position_embeddings: 1e12 } })),
    ).rejects.toThrow(
      /config\.json: "max_position_embeddings" is 1000000000000, over 16384: a window that long needs .* attention scores per head, more than a backend can allocate/,
    );
    await expect(
      inspectCheckpointFolderOnDisk(folderWith({ config: { max_relative_position: 1e12 } })),
    ).rejects.toThrow(
      /config\.json: "max_relative_position" is 1000000000000: its relative-position table .* would take \d+ MiB, over the 256 MiB a backend is sure to allocate/,
    );
  });

  it('refuses head counts and activations the model cannot build, as a load would', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ num_attention_heads: 0 }, /config\.json: "num_attention_heads" must be at least 1, got 0/],
      [
        { num_attention_heads: 7 },
        /config\.json: "hidden_size" \(\d+\) is not a multiple of num_attention_heads \(7\)/,
      ],
      [
        { num_attention_heads: 1e9 },
        /config\.json: "hidden_size" \(\d+\) is not a multiple of num_attention_heads \(1000000000\)/,
      ],
      [
        { hidden_act: 'swishy' },
        /config\.json: "hidden_act" is "swishy", which HF's ACT2FN does not know; use one of /,
      ],
    ];
    for (const [change, message] of cases) {
      await expect(
        inspectCheckpointFolderOnDisk(folderWith({ config: change })),
        JSON.stringify(change),
      ).rejects.toThrow(message);
    }
  });

  it('refuses a vocab.txt that is binary, empty, UTF-16 or longer than the embeddings', async () => {
    const vocab = readFileSync(join(base, 'vocab.txt'), 'utf8');
    const cases: [Uint8Array, RegExp][] = [
      [
        new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x00, 0x00]),
        /vocab\.txt: not UTF-8 text \(a binary file\?\)/,
      ],
      [new Uint8Array(0), /vocab\.txt: empty\. A WordPiece vocabulary lists one token per line/],
      [new TextEncoder().encode('\n\n  \n'), /vocab\.txt: empty/],
      [
        new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(vocab, 'utf16le')])),
        /vocab\.txt: UTF-16 text \(it starts with the UTF-16LE byte order mark FF FE\); .*save it as UTF-8/,
      ],
      [new TextEncoder().encode('[PAD]\n[UNK]\nab\u0000cd\n'), /vocab\.txt:3: holds a NUL byte/],
      [
        new TextEncoder().encode(`${vocab}extra1\nextra2\n`),
        /vocab\.txt: 21130 tokens, but the word embeddings have 21128 rows/,
      ],
    ];
    for (const [bytes, message] of cases) {
      await expect(
        inspectCheckpointFolderOnDisk(folderWith({ vocab: bytes })),
        String(message),
      ).rejects.toThrow(message);
    }
  });
});
