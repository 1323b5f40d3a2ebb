/**
 * selectBackend with the real tfjs packages, in Node: no navigator.gpu here, and the .wasm URLs the
 * bundler hands out ("/node_modules/...") do not exist on disk, so WASM fails to start for real.
 * That is the fall-through path the worker must survive: CPU runs, and the status says why.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from './backends';

describe('selectBackend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('falls through a backend that fails to start and records the reason', async () => {
    // Emscripten prints the failed .wasm fetch itself; captured here so the suite's output stays clean.
    const printed: string[] = [];
    const capture = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(console, 'warn').mockImplementation(capture);
    const status = await selectBackend('auto');
    expect(printed.join('\n')).toMatch(/ENOENT.+tfjs-backend-wasm/);
    expect(status.backend).toBe('cpu');
    expect(status.reason).toMatch(/navigator\.gpu is missing/);
    expect(status.failures).toHaveLength(1);
    expect(status.failures[0].backend).toBe('wasm');
    expect(status.failures[0].error).toMatch(/tf\.setBackend\('wasm'\) failed: .+/);
  });

  it('starts the CPU backend when the setting asks for it, after a smoke-test op', async () => {
    const status = await selectBackend('cpu');
    expect(status).toEqual({ backend: 'cpu', reason: 'CPU chosen in settings', failures: [] });
  });
});
