import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cjkFontReport, shippedFonts } from './cjkFonts';

const dir = mkdtempSync(join(tmpdir(), 'nezha-fonts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A repository folder with the given files (path → content). */
function repo(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const bare = repo('bare', {
  'resources/icon.png': '',
  'renderer/src/styles.css': ":root { --font-ui: system-ui, 'Noto Sans CJK SC', sans-serif; }",
});
const withFont = repo('with-font', {
  'resources/fonts/NotoSansSC-Regular.woff2': '',
  'renderer/src/fonts.css': "@font-face {\n  font-family: 'Noto Sans SC';\n  src: url(x.woff2);\n}",
});

const withPackage = repo('with-package', {
  'node_modules/@fontsource/noto-sans-sc/package.json': '{"name": "@fontsource/noto-sans-sc"}',
  'renderer/src/fonts.css':
    "@import '@fontsource/noto-sans-sc/400.css';\n@import '@fontsource/noto-sans-sc/700.css';",
  'renderer/src/main.tsx': "import '@fontsource/missing-font';\n",
});

describe('cjkFontReport', () => {
  it('names the system fonts fc-list lists for :lang=zh, once per family', () => {
    const fcList = () => 'Noto Sans CJK SC,Noto Sans CJK SC Regular\nNoto Sans CJK SC\nAR PL UMing CN\n';
    const report = cjkFontReport(bare, fcList);
    expect(report.system).toEqual(['AR PL UMing CN', 'Noto Sans CJK SC']);
    expect(report.systemSource).toBe('fc-list :lang=zh');
    expect(report.verdict).toBe('Chinese text renders with a system font (AR PL UMing CN, Noto Sans CJK SC)');
  });

  it('says Chinese text renders as tofu when no installed font covers Chinese and the app ships none', () => {
    const report = cjkFontReport(bare, () => '');
    expect(report).toMatchObject({ system: [], shipped: [] });
    expect(report.verdict).toMatch(/^Chinese text will render as tofu \(empty boxes\) on this machine: /);
  });

  it('says unknown where fc-list is missing, and names what the app ships', () => {
    const unknown = cjkFontReport(bare, () => null);
    expect(unknown).toMatchObject({
      system: null,
      systemSource: 'unknown: fc-list (fontconfig) is not installed',
    });
    expect(unknown.verdict).toMatch(
      /^unknown whether a system font covers Chinese, and the app ships no font/,
    );
    const shipping = cjkFontReport(withFont, () => '');
    expect(shipping.verdict).toMatch(
      /the app ships resources\/fonts\/NotoSansSC-Regular\.woff2, @font-face Noto Sans SC/,
    );
  });

  it('finds font files under resources/ and @font-face rules in the renderer CSS', () => {
    expect(shippedFonts(withFont)).toEqual([
      'resources/fonts/NotoSansSC-Regular.woff2',
      '@font-face Noto Sans SC (renderer/src/fonts.css)',
    ]);
    expect(shippedFonts(bare)).toEqual([]);
  });

  it('finds the @fontsource packages the renderer imports, once each, only when installed', () => {
    expect(shippedFonts(withPackage)).toEqual(['@fontsource/noto-sans-sc (renderer/src/fonts.css)']);
  });

  it('this repository ships Noto Sans SC (the renderer bundles @fontsource/noto-sans-sc)', () => {
    expect(shippedFonts(join(import.meta.dirname, '..', '..'))).toContain(
      '@fontsource/noto-sans-sc (renderer/src/fonts.css)',
    );
  });
});
