/**
 * Resolving a URL path to a file of the built renderer, shared by the serve host and the Electron
 * app:// protocol: decoded, confined to the renderer folder, directories → index.html, and
 * extension-less paths (client-side routes) → index.html.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export type StaticResolution =
  { kind: 'file'; path: string } | { kind: 'error'; status: 400 | 403 | 404; message: string };

export function resolveStaticFile(rendererDir: string, pathname: string): StaticResolution {
  const root = resolve(rendererDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'error', status: 400, message: `Malformed URL path ${pathname}` };
  }
  if (decoded.includes('\0')) return { kind: 'error', status: 400, message: 'NUL byte in URL path' };
  let file = resolve(root, '.' + decoded.replace(/\\/g, '/'));
  if (file !== root && !file.startsWith(root + sep)) {
    return { kind: 'error', status: 403, message: `Path ${pathname} is outside the app's files` };
  }
  if (file === root || (existsSync(file) && statSync(file).isDirectory())) file = join(file, 'index.html');
  if (!existsSync(file)) {
    if (/\.[a-z0-9]+$/i.test(decoded))
      return { kind: 'error', status: 404, message: `No file ${pathname} in the app` };
    file = join(root, 'index.html');
    if (!existsSync(file)) {
      return {
        kind: 'error',
        status: 404,
        message: `${file} is missing: build the renderer with \`npm run build:renderer\``,
      };
    }
  }
  return { kind: 'file', path: file };
}
