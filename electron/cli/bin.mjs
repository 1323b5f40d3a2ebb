#!/usr/bin/env node
/* global process, URL */
// The `nezha-studio` bin: runs the CLI from its TypeScript source through tsx's loader (no build step).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `nezha-studio: needs Node 24 (node:sqlite); this is Node ${process.versions.node}. Run it with \`npx nezha-studio\` from the project, which uses the pinned Node.\n`,
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
process.env.NEZHA_CLI_MAIN = '1';
await import(new URL('./main.ts', import.meta.url).href);
