/**
 * Helpers for bench sections that measure in a fresh child process (so the child's peak RSS is
 * the measured work's own): spawn a script through tsx and read the last stdout line, and the
 * plain-fs-read reference.
 */
import { spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';

/** Runs `script` (a .ts file) with `args` in a fresh Node + tsx process; returns its last stdout line. */
export function runChildScript(script: string, args: string[]): string {
  return runChildScriptOutput(script, args).trim().split('\n').at(-1) as string;
}

/** Runs `script` (a .ts file) with `args` in a fresh Node + tsx process; returns all of its stdout. */
export function runChildScriptOutput(script: string, args: string[]): string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0)
    throw new Error(
      `bench child ${script} ${args.join(' ')} failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''}): ${child.stderr.slice(-2000)}`, // the tail: an emscripten abort prints its whole minified module first
    );
  return child.stdout;
}

/** Reads a whole file into one buffer with fs reads (64 MB at a time); returns ms. */
export async function readWholeFile(file: string): Promise<number> {
  const t0 = performance.now();
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, done, Math.min(size - done, 64 * 2 ** 20), done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return performance.now() - t0;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
