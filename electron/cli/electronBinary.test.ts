import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findElectronBinary, missingElectronMessage } from './electronBinary';

const dir = mkdtempSync(join(tmpdir(), 'nezha-electron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake electron package folder: package.json, and optionally path.txt, the binary and dist/version. */
function electronPackage(name: string, files: { pathTxt?: string; binary?: string; distVersion?: string }) {
  const packageDir = join(dir, name);
  mkdirSync(join(packageDir, 'dist'), { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
  if (files.pathTxt !== undefined) writeFileSync(join(packageDir, 'path.txt'), files.pathTxt);
  if (files.binary !== undefined) writeFileSync(join(packageDir, 'dist', files.binary), '');
  if (files.distVersion !== undefined) writeFileSync(join(packageDir, 'dist', 'version'), files.distVersion);
  return packageDir;
}

describe('findElectronBinary', () => {
  it('finds dist/<path.txt> with the version the binary reports in dist/version', () => {
    const packageDir = electronPackage('installed', {
      pathTxt: 'electron',
      binary: 'electron',
      distVersion: 'v45.5.1\n',
    });
    expect(findElectronBinary(packageDir, {})).toEqual({
      found: true,
      path: join(packageDir, 'dist', 'electron'),
      version: '45.5.1',
    });
  });

  it('says the binary was never downloaded when path.txt is missing (the offline case)', () => {
    const packageDir = electronPackage('never-downloaded', {});
    const binary = findElectronBinary(packageDir, {});
    expect(binary).toMatchObject({ found: false, version: '45.5.0' });
    if (binary.found) return;
    expect(binary.reason).toMatch(/never downloaded .*path\.txt is missing: .*needs network access/);
    const message = missingElectronMessage(binary);
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^Cannot start the desktop app: Electron 45\.5\.0 is not installed here: /);
    expect(message).toMatch(/run `npm run serve`\.$/);
  });

  it('names the missing binary when path.txt points at nothing, honouring ELECTRON_OVERRIDE_DIST_PATH', () => {
    const packageDir = electronPackage('partial', { pathTxt: 'electron' });
    expect(findElectronBinary(packageDir, {})).toMatchObject({
      found: false,
      reason: expect.stringContaining(`its binary ${join(packageDir, 'dist', 'electron')} is missing`),
    });
    const override = join(dir, 'override');
    mkdirSync(override, { recursive: true });
    writeFileSync(join(override, 'electron'), '');
    expect(findElectronBinary(packageDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({
      found: true,
      path: join(override, 'electron'),
      version: '45.5.0',
    });
  });

  it('says so when the electron package itself is not installed', () => {
    expect(findElectronBinary(null, {})).toEqual({
      found: false,
      reason: 'the electron package is not installed (run `npm ci`)',
      version: null,
    });
  });
});
