import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..');

function runCheck(): Promise<{ rc: number; out: string }> {
  return new Promise((done) => {
    execFile('bash', ['scripts/bench-gpu.sh', '--check'], { cwd: repoRoot, timeout: 150_000 }, (error, stdout, stderr) => {
      const rc = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ rc, out: stdout + stderr });
    });
  });
}

describe('scripts/bench-gpu.sh --check', () => {
  it('prints the WebGPU adapter and never calls a fallback adapter a GPU', async () => {
    const { rc, out } = await runCheck();
    const adapterLine = out.split('\n').find((l) => l.startsWith('bench-gpu: WebGPU adapter'));
    expect(adapterLine, out).toBeDefined();
    const adapter = JSON.parse(adapterLine!.slice(adapterLine!.indexOf('{'))) as {
      isFallbackAdapter?: boolean;
      architecture?: string;
      error?: string;
    };
    const software = adapter.error !== undefined || adapter.isFallbackAdapter || /swiftshader/i.test(adapter.architecture ?? '');
    if (software) {
      // This machine (and CI): the reason is said in words, and the exit status tells a script not to bench.
      expect(rc, out).toBe(3);
      expect(out).toMatch(/bench-gpu: no real GPU: \S/);
    } else {
      expect(rc, out).toBe(0);
      expect(out).toContain('a real GPU is usable');
    }
    // --check only looks: it installs nothing and runs no bench.
    expect(out).not.toContain('installing');
    expect(out).not.toContain('uptime:');
  }, 180_000);
});
