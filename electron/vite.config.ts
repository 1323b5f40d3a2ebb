/**
 * Builds the Electron main process and the preload with Vite (Node/SSR library builds):
 *   electron/main/main.ts       → out/main/main.js        (ESM; package.json "main")
 *   electron/preload/preload.ts → out/preload/preload.cjs (CommonJS: sandboxed preloads cannot be ESM)
 * Our dependencies (zod) are bundled so the packaged app needs no node_modules; electron and Node
 * builtins stay external.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const external = ['electron', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

function preloadConfig(): InlineConfig {
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: resolve(root, 'out/preload'),
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: true,
      lib: {
        entry: resolve(root, 'electron/preload/preload.ts'),
        formats: ['cjs'],
        fileName: () => 'preload.cjs',
      },
      rolldownOptions: { external },
    },
  };
}

/** Build the preload after the main bundle, as a second library build with its own format. */
function buildPreload(): Plugin {
  return {
    name: 'nezha-build-preload',
    apply: 'build',
    async closeBundle() {
      await build(preloadConfig());
    },
  };
}

export default defineConfig({
  root,
  plugins: [buildPreload()],
  ssr: { noExternal: true, external: ['electron'] },
  build: {
    ssr: resolve(root, 'electron/main/main.ts'),
    outDir: resolve(root, 'out/main'),
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: true,
    rolldownOptions: {
      external,
      output: { format: 'es', entryFileNames: 'main.js' },
    },
  },
});
