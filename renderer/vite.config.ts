import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

// The renderer is loaded from disk by Electron and from 127.0.0.1 by the serve host, so every
// asset URL is relative (base './') and everything, the tfjs .wasm binaries included, ships in
// out/renderer: nothing is fetched from a CDN.
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    // Not minified: tfjs starts its WASM threads from `wasmFactoryThreadedSimd.toString()` put in a
    // blob, and a mangled function body refers to names that do not exist there ("e is not defined").
    // The app is loaded from disk or 127.0.0.1, so the larger files cost nothing noticeable.
    minify: false,
    // tfjs is large by nature; the default 500 kB warning would fire on every build.
    chunkSizeWarningLimit: 4096,
  },
});
