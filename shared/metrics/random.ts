/**
 * A small seeded PRNG (mulberry32, Tommy Ettinger's 32-bit generator) so that bootstrap intervals are
 * reproducible: the same seed and inputs give bit-identical results on every platform.
 * Not for cryptography. Period 2^32, which is plenty for 1000 resamples of a few thousand examples.
 */
export interface SeededRandom {
  /** The next 32-bit unsigned integer. */
  nextUint32(): number;
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** An integer in [0, n); n must be a positive integer below 2^32 (bias is at most n / 2^32). */
  nextInt(n: number): number;
}

export const DEFAULT_SEED = 20240521;

export function mulberry32(seed: number): SeededRandom {
  if (!Number.isFinite(seed))
    throw new RangeError(`mulberry32: the seed must be a finite number (got ${seed}).`);
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    nextUint32,
    next: () => nextUint32() / 4294967296,
    nextInt: (n: number) => Math.floor((nextUint32() / 4294967296) * n),
  };
}
