/*
 * Corrupted checkpoints must fail with a CheckpointError (a message for a person), never with a
 * TypeError/RangeError from deep inside a reader, and never hang. Seeded mutations of the
 * fixtures' structural bytes (headers, pickle, zip directory) and random truncations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { readPytorchBin } from './pytorchBin';
import { readSafetensors } from './safetensors';
import { bytesRangeReader } from './source';

const TINY = join(import.meta.dirname, '../../fixtures/nezha-tiny');

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/**
 * Runs `check` on a mutated view of `original`: a truncation (a subarray), or 1-4 bytes changed
 * in place inside [0, head) or in the last `tail` bytes and restored afterwards (no 3 MB copies).
 */
async function withMutation(
  original: Uint8Array,
  rand: () => number,
  head: number,
  tail: number,
  check: (bytes: Uint8Array) => unknown,
): Promise<void> {
  if (rand() < 0.2) {
    await check(original.subarray(0, Math.floor(rand() * original.byteLength)));
    return;
  }
  const undo: [number, number][] = [];
  const flips = 1 + Math.floor(rand() * 4);
  for (let f = 0; f < flips; f++) {
    const inTail = tail > 0 && rand() < 0.4;
    const at = inTail ? original.byteLength - 1 - Math.floor(rand() * tail) : Math.floor(rand() * head);
    undo.push([at, original[at]]);
    original[at] = rand() < 0.5 ? Math.floor(rand() * 256) : original[at] ^ (1 << Math.floor(rand() * 8));
  }
  try {
    await check(original);
  } finally {
    for (const [at, value] of undo.reverse()) original[at] = value;
  }
}

function classify(error: unknown): string {
  if (error instanceof CheckpointError) return 'checkpoint-error';
  return `UNEXPECTED ${(error as Error)?.name}: ${(error as Error)?.message}`;
}

describe('fuzzed checkpoints fail cleanly', () => {
  it('safetensors: 400 mutations of the header and truncations', async () => {
    const original = new Uint8Array(readFileSync(join(TINY, 'base/model.safetensors')));
    const headerEnd = 8 + Number(new DataView(original.buffer).getBigUint64(0, true));
    const rand = random(1);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      await withMutation(original, rand, headerEnd, 0, (bytes) => {
        let outcome = 'read';
        try {
          readSafetensors(bytes, 'fuzz.safetensors');
        } catch (error) {
          outcome = classify(error);
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      });
    }
    expect([...outcomes.keys()].filter((k) => k.startsWith('UNEXPECTED'))).toEqual([]);
    expect(outcomes.get('checkpoint-error')).toBeGreaterThan(100);
  });

  it('pytorch_model.bin: 300 mutations of the pickle, local headers and zip directory, and truncations', async () => {
    const original = new Uint8Array(readFileSync(join(TINY, 'pretraining/pytorch_model.bin')));
    const rand = random(2);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      // data.pkl is the first 5.3 KB; the central directory and end records are the last 3.3 KB
      await withMutation(original, rand, 5400, 3300, async (bytes) => {
        let outcome = 'read';
        try {
          await readPytorchBin(bytesRangeReader(bytes, 'fuzz.bin'));
        } catch (error) {
          outcome = classify(error);
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      });
    }
    expect([...outcomes.keys()].filter((k) => k.startsWith('UNEXPECTED'))).toEqual([]);
    expect(outcomes.get('checkpoint-error')).toBeGreaterThan(100);
  });
});
