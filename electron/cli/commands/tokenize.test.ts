import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main';

const fixtures = new URL('../../../fixtures/', import.meta.url);
const casesPath = new URL('tokenizer/bert-base-chinese-cases.json', fixtures).pathname;
const vocabPath = new URL('vocab/bert-base-chinese-vocab.txt', fixtures).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nezha-tokenize-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--data-dir', dir, ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cli tokenize', () => {
  it('reproduces every field of the HF golden file and adds offsets', async () => {
    const outPath = join(dir, 'out.json');
    const run = await cli(['tokenize', '--vocab', vocabPath, '--cases', casesPath, '--out', outPath]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/48 cases, 4 pairs, 7 truncation cases, 1 batch/);
    const golden = JSON.parse(readFileSync(casesPath, 'utf8'));
    const mine = JSON.parse(readFileSync(outPath, 'utf8'));
    expect(mine.schema).toBe('bert-tokenizer-golden/1');
    golden.cases.forEach((c: Record<string, unknown>, i: number) => {
      const m = mine.cases[i];
      expect(m.name).toBe(c.name);
      expect(m.tokens).toEqual(c.tokens);
      expect(m.ids).toEqual(c.ids);
      expect(m.encoded).toEqual(c.encoded);
      expect(m.offsets.utf16).toHaveLength(m.encoded.input_ids.length);
      expect(m.offsets.code_points).toHaveLength(m.encoded.input_ids.length);
    });
    for (const key of ['pairs', 'truncation'] as const) {
      golden[key].forEach((g: Record<string, unknown>, i: number) => {
        for (const field of ['input_ids', 'token_type_ids', 'attention_mask', 'tokens']) {
          expect(mine[key][i][field], `${key}[${i}].${field}`).toEqual(g[field]);
        }
      });
    }
    for (const field of ['input_ids', 'token_type_ids', 'attention_mask']) {
      expect(mine.batch_padding[field]).toEqual(golden.batch_padding[field]);
    }
    // Offsets of the emoji case, in code points: the four emoji are one [UNK] covering 4 code points.
    const emoji = mine.cases.find((c: { name: string }) => c.name === 'emoji');
    expect(emoji.offsets.code_points[1]).toEqual([0, 4]);
    expect(emoji.offsets.utf16[1]).toEqual([0, 8]);
  });

  it('says what is wrong with a bad case file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'something-else/1', cases: [] }));
    const run = await cli(['tokenize', '--vocab', vocabPath, '--cases', bad, '--out', join(dir, 'x.json')]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/not a bert-tokenizer-golden\/1 file: at "schema"/);
    const missing = await cli(['tokenize', '--vocab', vocabPath, '--cases', casesPath]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--out is required/);
  });
});
