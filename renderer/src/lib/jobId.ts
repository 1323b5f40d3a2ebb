/**
 * Ids the renderer picks for the jobs it starts (dataset imports, Playground runs), so it can cancel them
 * (jobs.cancel, the worker's `cancel`) and match their progress events. Random rather than a module-level
 * counter: unique across views, windows and reloads without any state to share.
 */
export function newJobId(kind: string): string {
  const unique = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `${kind}-${unique}`;
}
