/**
 * selectBackend with the real tfjs packages, in Node: no navigator.gpu here, and the .wasm URLs the
 * bundler hands out ("/node_modules/...") do not exist on disk, so WASM fails to start for real.
 * That is the fall-through path the worker must survive: CPU runs, and the status says why.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backends';

describe('selectBackend', () => {
  it('falls through a backend that fails to start and records the reason', async () => {
    const status = await selectBackend('auto');
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
