/**
 * Reproducibility hashes. shared/ has no crypto module, so the SHA-256 function is injected: Node passes
 * node:crypto's createHash, a browser or worker `webCryptoSha256` (crypto.subtle).
 */
import type { CheckpointSource } from '../checkpoint/source';

/** JSON with object keys sorted at every level: equal settings or records give equal
 * strings (keys, hashes) whatever their key order; undefined fields are left out as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of some bytes as lowercase hex. */
export type Sha256 = (bytes: Uint8Array) => Promise<string> | string;

/** SHA-256 through the Web Crypto API (browsers, workers, and Node ≥ 19 where `crypto` is global). */
export const webCryptoSha256: Sha256 = async (bytes) => {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!subtle) throw new Error('crypto.subtle is not available here; pass a SHA-256 function explicitly.');
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
};

export interface WeightFileHash {
  file: string;
  bytes: number;
  sha256: string;
}

export interface CheckpointHash {
  /**
   * One weight file: its own SHA-256 (what `sha256sum model.safetensors` prints). Several shards: SHA-256 of
   * the `sha256sum`-style lines "<hash>  <file>\n" of the shards, sorted by file name.
   */
  sha256: string;
  files: WeightFileHash[];
}

/** Hashes the weight files of a checkpoint (shard index files are not weights and are left out). */
export async function hashCheckpointWeights(
  source: CheckpointSource,
  weightFiles: readonly string[],
  sha256: Sha256,
): Promise<CheckpointHash> {
  const files: WeightFileHash[] = [];
  for (const file of [...weightFiles].filter((f) => !f.endsWith('.index.json')).sort()) {
    const bytes = await source.read(file);
    files.push({ file, bytes: bytes.byteLength, sha256: await sha256(bytes) });
  }
  if (files.length === 0)
    throw new Error('hashCheckpointWeights: the checkpoint lists no weight files to hash.');
  if (files.length === 1) return { sha256: files[0].sha256, files };
  const lines = files.map((f) => `${f.sha256}  ${f.file}\n`).join('');
  return { sha256: await sha256(new TextEncoder().encode(lines)), files };
}
