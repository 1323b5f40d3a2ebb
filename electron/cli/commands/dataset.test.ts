import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../shared/datasets';
import { runCli } from '../main';
import type { DatasetInspection } from './dataset';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../..');
const fixtures = join(repoRoot, 'fixtures/datasets');
const msraFile = join(fixtures, 'msra_ner/msra_test_bio.txt');
const cluenerFile = join(fixtures, 'cluener2020/dev.json');
const dir = mkdtempSync(join(tmpdir(), 'nezha-cli-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inProcess(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('dataset inspect', () => {
  it('npm run -s cli -- dataset inspect MSRA --json prints format, task, count, entities per type, warnings', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'cli', '--', 'dataset', 'inspect', msraFile, '--json'],
      {
        cwd: repoRoot,
        timeout: 120_000,
      },
    );
    const inspection = JSON.parse(stdout) as DatasetInspection;
    // fixtures/datasets/README.md: MSRA test, 3442 sentences, LOC 2886 / PER 1973 / ORG 1331.
    expect(inspection).toMatchObject({ format: 'char-per-line', task: 'ner', examples: 3442, skipped: 0 });
    expect(inspection.labels).toEqual({ LOC: 2886, PER: 1973, ORG: 1331 });
    expect(inspection.warnings.map((w) => w.code)).toContain('too-long');
  }, 120_000);

  it('reports labels of a pair file, the skipped rows, and honours --format', async () => {
    const ocnli = await inProcess(['dataset', 'inspect', join(fixtures, 'ocnli/dev.excerpt.json'), '--json']);
    expect(ocnli.code).toBe(0);
    const inspection = JSON.parse(ocnli.out) as DatasetInspection;
    expect(inspection).toMatchObject({ format: 'json-pair', task: 'pair', examples: 70, skipped: 1 });
    expect(inspection.labels).toEqual({ entailment: 24, contradiction: 23, neutral: 23 });
    expect(inspection.warnings.map((w) => w.code)).toEqual(['no-gold-label', 'no-final-newline']);

    const text = await inProcess(['dataset', 'inspect', cluenerFile]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^dev\.json: cluener \(ner\), \d+ examples\nEntities: /);

    const forced = await inProcess(['dataset', 'inspect', cluenerFile, '--format', 'squad']);
    expect(forced.code).toBe(1);
    expect(forced.err).toMatch(/dataset inspect: dev\.json:2:1: expected valid JSON/);
  });

  it('takes FILE as --file FILE too, the flag the other commands use for an input file', async () => {
    const positional = await inProcess(['dataset', 'inspect', cluenerFile, '--json']);
    const flag = await inProcess(['dataset', 'inspect', '--file', cluenerFile, '--json']);
    expect(flag).toEqual({ ...positional, code: 0 });
    const out = join(dir, 'clue-via-flag.jsonl');
    const converted = await inProcess([
      'dataset',
      'convert',
      '--file',
      cluenerFile,
      '--to',
      'jsonl-spans',
      '--out',
      out,
    ]);
    expect(converted.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const twice = await inProcess(['dataset', 'inspect', '--file', cluenerFile, msraFile]);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(
      /^nezha-studio: dataset inspect: FILE given twice \(--file .*dev\.json and ".*msra_test_bio\.txt"\); pass one/,
    );
  });

  it('names the problem for a missing file, subcommand or bad --format', async () => {
    expect((await inProcess(['dataset', 'inspect', join(dir, 'nope.txt')])).err).toMatch(
      /cannot read .*nope\.txt: ENOENT/,
    );
    expect((await inProcess(['dataset', 'show', msraFile])).err).toMatch(
      /expected a subcommand, inspect or convert, got "show"/,
    );
    expect((await inProcess(['dataset', 'inspect', msraFile, '--format', 'csv'])).err).toMatch(
      /--format must be one of char-per-line, .*got "csv"/,
    );
  });
});

describe('dataset convert', () => {
  it('MSRA BIO -> JSONL spans -> BIO gives the same records', async () => {
    const jsonl = join(dir, 'msra.jsonl');
    const first = await inProcess(['dataset', 'convert', msraFile, '--to', 'jsonl-spans', '--out', jsonl]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^Converted 3442 examples \(6190 entities\) from char-per-line to jsonl-spans: /,
    );
    const back = join(dir, 'msra.bio.txt');
    const second = await inProcess(['dataset', 'convert', jsonl, '--to', 'char-per-line-bio', '--out', back]);
    expect(second.code).toBe(0);
    // The JSONL file carries no layout, so compare what was read rather than the file's exact trailing bytes.
    const original = importDataset(readFileSync(msraFile), { file: 'a' });
    const roundTripped = importDataset(readFileSync(back), { file: 'b' });
    expect(roundTripped.records).toEqual(original.records);
    // Atomic write: no temp file left next to the output.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('CLUENER -> BIOES keeps every entity; non-NER input and bad --to are refused', async () => {
    const out = join(dir, 'clue.bioes.txt');
    expect(
      (await inProcess(['dataset', 'convert', cluenerFile, '--to', 'char-per-line-bioes', '--out', out]))
        .code,
    ).toBe(0);
    const source = importDataset(readFileSync(cluenerFile), { file: 'dev.json' });
    const converted = importDataset(readFileSync(out), { file: 'clue.bioes.txt' });
    expect(converted.format).toBe('char-per-line');
    expect(converted.counts.entities).toEqual(source.counts.entities);
    expect(Object.keys(converted.counts.tags ?? {}).some((tag) => tag.startsWith('E-'))).toBe(true);

    const pair = await inProcess([
      'dataset',
      'convert',
      join(fixtures, 'ocnli/dev.excerpt.json'),
      '--to',
      'cluener',
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(pair).toMatchObject({ code: 1 });
    expect(pair.err).toMatch(/holds pair records \(json-pair\); only NER files can be converted/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);

    const badTo = await inProcess(['dataset', 'convert', msraFile, '--to', 'xml', '--out', join(dir, 'y')]);
    expect(badTo.err).toMatch(/--to must be one of char-per-line-bio, .*got "xml"/);
    const noOut = await inProcess(['dataset', 'convert', msraFile, '--to', 'cluener']);
    expect(noOut.err).toMatch(/--out is required/);
  });
});
