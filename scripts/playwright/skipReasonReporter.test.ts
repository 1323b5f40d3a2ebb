import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');

describe('the Playwright skip-reason reporter', () => {
  it('prints each skipped test with the reason given to test.skip, after the list', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'node_modules/@playwright/test/cli.js',
        'test',
        '--config',
        'scripts/playwright/fixture/playwright.config.ts',
      ],
      { cwd: repoRoot, timeout: 60_000, env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    expect(stdout).toMatch(/1 skipped/);
    const block = stdout.slice(stdout.indexOf('Skipped, with the reason:'));
    expect(block.trimEnd().split('\n')).toEqual([
      'Skipped, with the reason:',
      '  skips.fixture.ts › needs a binary: the binary is not installed here',
    ]);
  });
});
