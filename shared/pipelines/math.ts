/** Numerically stable softmax of values[from, from + length). */
export function softmax(values: ArrayLike<number>, from = 0, length = values.length - from): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < length; k++) if (values[from + k] > max) max = values[from + k];
  const out = new Float64Array(length);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    out[k] = Math.exp(values[from + k] - max);
    sum += out[k];
  }
  for (let k = 0; k < length; k++) out[k] /= sum;
  return out;
}

/** log-softmax of values[from, from + length), for summing log-probabilities over positions. */
export function logSoftmax(values: ArrayLike<number>, from = 0, length = values.length - from): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < length; k++) if (values[from + k] > max) max = values[from + k];
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(values[from + k] - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(length);
  for (let k = 0; k < length; k++) out[k] = values[from + k] - logSum;
  return out;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** Indices of the k largest values, largest first (ties: lower index first). */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  if (k >= n / 4) {
    return Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => values[b] - values[a] || a - b)
      .slice(0, k);
  }
  // Small k over a large vocabulary: keep a sorted list of the best k.
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (best.length === k && v <= values[best[k - 1]]) continue;
    let pos = best.length;
    while (pos > 0 && values[best[pos - 1]] < v) pos--;
    best.splice(pos, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}
