/**
 * Which fonts the app will draw Chinese text with on this machine: the system's CJK-capable fonts
 * (fontconfig's `fc-list :lang=zh`, where fontconfig exists) and the fonts the app ships itself (font files
 * under resources/, @font-face rules in the renderer's stylesheets, and @fontsource packages the renderer
 * imports, which Vite bundles: renderer/src/fonts.css ships Noto Sans SC). Without either, Chinese text
 * renders as tofu (empty boxes).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

export interface CjkFontReport {
  /** The system's font families that cover Chinese; null when that cannot be told (no fc-list). */
  system: string[] | null;
  /** How `system` was found, or why it could not be. */
  systemSource: string;
  /** Font files and @font-face families the app ships (paths relative to the repository). */
  shipped: string[];
  /** One sentence: will Chinese text render, and what to do when not. */
  verdict: string;
}

/** Runs `fc-list :lang=zh family`; returns its stdout, or null when fc-list is not installed. */
export type FcList = () => string | null;

const systemFcList: FcList = () => {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', timeout: 10_000 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
};

const FONT_EXTENSIONS = new Set(['.ttf', '.otf', '.ttc', '.woff', '.woff2']);

function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

/**
 * Font files under resources/, the families of @font-face rules in renderer/src's CSS, and the @fontsource
 * packages renderer/src imports (CSS `@import` or a module import) that are installed in node_modules.
 */
export function shippedFonts(repoRoot: string): string[] {
  const files = filesUnder(join(repoRoot, 'resources'))
    .filter((file) => FONT_EXTENSIONS.has(extname(file).toLowerCase()))
    .map((file) => relative(repoRoot, file));
  const faces: string[] = [];
  const packages = new Set<string>();
  const sources = filesUnder(join(repoRoot, 'renderer', 'src')).filter((f) => /\.(css|tsx?)$/.test(f));
  for (const source of sources) {
    const text = readFileSync(source, 'utf8');
    const where = relative(repoRoot, source);
    if (source.endsWith('.css'))
      for (const rule of text.matchAll(/@font-face\s*{([^}]*)}/g)) {
        const family =
          /font-family\s*:\s*(['"]?)([^;'"]+)\1/.exec(rule[1])?.[2]?.trim() ?? '(no font-family)';
        faces.push(`@font-face ${family} (${where})`);
      }
    for (const match of text.matchAll(
      /(?:@import|import)\s*(?:url\()?\s*['"](@fontsource(?:-variable)?\/[\w.-]+)/g,
    )) {
      const name = match[1];
      if (!packages.has(name) && existsSync(join(repoRoot, 'node_modules', name, 'package.json'))) {
        packages.add(name);
        faces.push(`${name} (${where})`);
      }
    }
  }
  return [...files.sort(), ...faces];
}

/** fc-list prints one line per font, "Family,Localised family": the distinct first names, sorted. */
function families(fcListOutput: string): string[] {
  const names = fcListOutput
    .split('\n')
    .map((line) => line.split(',')[0].trim())
    .filter(Boolean);
  return [...new Set(names)].sort();
}

export function cjkFontReport(repoRoot: string, fcList: FcList = systemFcList): CjkFontReport {
  const shipped = shippedFonts(repoRoot);
  let system: string[] | null;
  let systemSource: string;
  try {
    const output = fcList();
    system = output === null ? null : families(output);
    systemSource = output === null ? 'unknown: fc-list (fontconfig) is not installed' : 'fc-list :lang=zh';
  } catch (error) {
    system = null;
    systemSource = `unknown: fc-list failed (${(error as Error).message.split('\n')[0]})`;
  }
  const ships = shipped.length > 0 ? `the app ships ${shipped.join(', ')}` : 'the app ships no font';
  let verdict: string;
  if (system !== null && system.length > 0) {
    verdict = `Chinese text renders with a system font (${system.slice(0, 3).join(', ')}${system.length > 3 ? ', ...' : ''})`;
  } else if (shipped.length > 0) {
    verdict = `no system font covers Chinese${system === null ? ' as far as can be told' : ''}; ${ships}, which Chinese text uses if it covers CJK`;
  } else if (system === null) {
    verdict = `unknown whether a system font covers Chinese, and ${ships}: where none is installed, Chinese text renders as tofu (empty boxes)`;
  } else {
    verdict =
      'Chinese text will render as tofu (empty boxes) on this machine: no installed font covers Chinese and the app ships none; install one (e.g. Noto Sans CJK SC: `apt-get install fonts-noto-cjk`)';
  }
  return { system, systemSource, shipped, verdict };
}
