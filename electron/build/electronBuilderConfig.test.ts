import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// electron-builder's own loader and validator (the JSON-schema check `electron-builder` runs first).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'app-builder-lib';

const repoRoot = resolve(__dirname, '../..');

async function loadConfig(): Promise<Configuration> {
  return getConfig(repoRoot, resolve(repoRoot, 'electron-builder.yml'), null);
}

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({ appId: 'dev.nezha.studio', productName: 'Nezha Studio', asar: true });
    expect(JSON.stringify(config.files)).toContain('"out/**","package.json"');
    expect(JSON.stringify(config.linux?.target)).toContain('AppImage');
    expect(JSON.stringify(config.linux?.target)).toContain('deb');
    expect(JSON.stringify(config.win?.target)).toContain('nsis');
    expect(JSON.stringify(config.mac?.target)).toContain('dmg');
  });

  it('points at a 512×512 PNG icon that exists', () => {
    const png = readFileSync(resolve(repoRoot, 'resources/icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('rejects an unknown key, naming it', async () => {
    const config = { ...(await loadConfig()), asarr: true } as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/asarr/);
  });

  it('rejects a wrongly typed value', async () => {
    const config = { ...(await loadConfig()), asar: 'yes please' } as unknown as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/asar/);
  });
});
