/*
 * A seeded generator whose whole state is one uint32 (mulberry32), so a training run can save it
 * and resume with exactly the same shuffles, masks and dropout masks.
 */

export class TrainingRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The state to save; `TrainingRandom.fromState(getState())` continues the same sequence. */
  getState(): number {
    return this.state;
  }

  static fromState(state: number): TrainingRandom {
    return new TrainingRandom(state);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }
}

/**
 * Runs `fn` with Math.random drawing from `random`. tfjs's dropout (tf.dropout → randomUniform)
 * seeds itself from Math.random when no seed is given, so this makes dropout masks a function of
 * the saved RNG state: an interrupted run that resumes draws the same masks. `fn` must be
 * synchronous (tfjs forward/backward are).
 */
export function withSeededMathRandom<T>(random: TrainingRandom, fn: () => T): T {
  const original = Math.random;
  Math.random = () => random.uniform();
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
