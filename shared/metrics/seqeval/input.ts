/**
 * What every part of the seqeval port shares about its input: the error type, code-point access to tags (Python's
 * `str` indexes code points), Python's sort order for labels, and seqeval's `check_consistent_length`.
 */

/** Thrown for malformed input; the message names the sentence, position and tag. */
export class SeqevalInputError extends Error {
  override name = 'SeqevalInputError';
}

/** `s[0]` in Python: the first code point. */
export function firstCodePoint(s: string): string {
  return String.fromCodePoint(s.codePointAt(0)!);
}
/** `s[-1]` in Python: the last code point. */
export function lastCodePoint(s: string): string {
  const chars = Array.from(s);
  return chars[chars.length - 1];
}

/** Python's sorted() order for str: by code point (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** seqeval `check_consistent_length`, with a message that names the first sentence that differs. */
export function checkConsistentLength(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new SeqevalInputError('Gold and predicted tags must both be arrays of sentences (string[][]).');
  }
  if (yTrue.length !== yPred.length) {
    throw new SeqevalInputError(
      `Found ${yTrue.length} gold sentences but ${yPred.length} predicted sentences; they must pair up one to one.`,
    );
  }
  for (let s = 0; s < yTrue.length; s++) {
    if (!Array.isArray(yTrue[s]) || !Array.isArray(yPred[s])) {
      throw new SeqevalInputError(
        `Sentence ${s} is not a list of tags on the ${Array.isArray(yTrue[s]) ? 'predicted' : 'gold'} side.`,
      );
    }
    if (yTrue[s].length !== yPred[s].length) {
      throw new SeqevalInputError(
        `Sentence ${s} has ${yTrue[s].length} gold tags but ${yPred[s].length} predicted tags; predictions must have one tag per gold token ` +
          `(check truncation to the model's max length and sub-word alignment).`,
      );
    }
  }
}
