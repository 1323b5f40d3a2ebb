import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '../..');

describe('the vitest skip-reason reporter', () => {
  it('prints each file and reason of the tests skipped with context.skip, after the summary', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'scripts/vitest/fixture/vitest.config.ts'],
      { cwd: repoRoot, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    const block = stdout.slice(stdout.indexOf('Skipped, with the reason:'));
    expect(block.trimEnd().split('\n')).toEqual([
      'Skipped, with the reason:',
      '  scripts/vitest/fixture/skips.fixture.ts: 2 tests skipped: the folder is absent here',
      '  scripts/vitest/fixture/skips.fixture.ts: 1 test skipped: no device on this machine',
    ]);
    expect(stdout.indexOf('Tests')).toBeLessThan(stdout.indexOf('Skipped, with the reason:'));
  });
});
