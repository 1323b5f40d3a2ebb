import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetImportSummary } from '../../../shared/ipc';
import { runCli } from '../main';

const run = promisify(execFile);
const repoRoot = resolve(__dirname, '../../..');
const msraFile = join(repoRoot, 'fixtures/datasets/msra_ner/msra_test_bio.txt');
const cluenerFile = join(repoRoot, 'fixtures/datasets/cluener2020/dev.json');
const dir = mkdtempSync(join(tmpdir(), 'nezha-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inProcess(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('import / export commands', () => {
  it('npm run -s cli -- import --file MSRA --json stores it; export by name writes the same bytes', async () => {
    const dataDir = join(dir, 'msra');
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'cli', '--', 'import', '--file', msraFile, '--json', '--data-dir', dataDir],
      { cwd: repoRoot, timeout: 120_000 },
    );
    const summary = JSON.parse(stdout) as DatasetImportSummary;
    expect(summary).toMatchObject({ examples: 3442, spans: 6190, dataset: { name: 'msra_test_bio' } });

    const out = join(dir, 'msra.txt');
    const exported = await inProcess([
      'export',
      '--dataset',
      'msra_test_bio',
      '--format',
      'char-per-line-bio',
      '--out',
      out,
      '--data-dir',
      dataDir,
    ]);
    expect(exported).toMatchObject({ code: 0, err: '' });
    expect(exported.out).toMatch(/^Wrote 3442 examples \(6190 spans, \d+ bytes\) to /);
    expect(readFileSync(out).equals(readFileSync(msraFile))).toBe(true);
  }, 120_000);

  it('prints a summary with labels and warnings, and reports bad files and options in one line', async () => {
    const dataDir = join(dir, 'cluener');
    const imported = await inProcess([
      'import',
      '--file',
      cluenerFile,
      '--name',
      'clue',
      '--data-dir',
      dataDir,
    ]);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(
      /^Imported 1343 ner records \(\d+ spans\) from dev\.json as "clue" \(cluener\)/,
    );
    expect(imported.out).toMatch(/Labels: .*address/);

    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, '中\tB-LOC\n国\tI-LOC\n\n人 民 B-ORG\n');
    const failed = await inProcess(['import', '--file', broken, '--data-dir', dataDir]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^nezha-studio: import: .*broken\.txt:4: expected .*Nothing was imported\.$/);

    expect(
      (await inProcess(['import', '--file', cluenerFile, '--format', 'xml', '--data-dir', dataDir])).err,
    ).toMatch(/--format must be one of char-per-line, .* got "xml"/);
    expect(
      (
        await inProcess([
          'export',
          '--dataset',
          'nope',
          '--format',
          'cluener',
          '--out',
          join(dir, 'x'),
          '--data-dir',
          dataDir,
        ])
      ).err,
    ).toMatch(/no dataset with id or name "nope" .*Stored: .*clue \(/);
    expect((await inProcess(['export', '--dataset', 'clue', '--data-dir', dataDir])).err).toMatch(
      /--format is required/,
    );
  });

  it('export --examples: done only by default (refused while none is done), all warns for BIO on stderr', async () => {
    const dataDir = join(dir, 'raw');
    const file = join(dir, 'raw.jsonl');
    writeFileSync(
      file,
      ['张三在北京', '没有实体', '李四'].map((text) => JSON.stringify({ text, spans: [] })).join('\n') + '\n',
    );
    expect((await inProcess(['import', '--file', file, '--name', 'raw', '--data-dir', dataDir])).code).toBe(
      0,
    );
    const args = (out: string, ...more: string[]) => [
      'export',
      '--dataset',
      'raw',
      '--format',
      'char-per-line-bio',
      '--out',
      join(dir, out),
      '--data-dir',
      dataDir,
      ...more,
    ];
    const refused = await inProcess(args('done.txt'));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/No example of "raw" is done yet \(0 of 3\)/);
    const all = await inProcess(args('all.txt', '--examples', 'all'));
    expect(all).toMatchObject({ code: 0 });
    expect(all.out).toMatch(/^Wrote 3 examples \(0 spans, \d+ bytes\)/);
    expect(all.err).toMatch(/export: warning: 3 of 3 sentences were never looked at/);
    expect((await inProcess(args('x.txt', '--examples', 'some'))).err).toMatch(
      /--examples must be done or all, got "some"/,
    );
  });
});
