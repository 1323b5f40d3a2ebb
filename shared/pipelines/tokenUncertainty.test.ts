/** The per-text uncertainty the Annotate queue orders by (issue 12): 1 - the least confident token's top probability. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, Vocab } from '../tokenizer';
import type { ModelRunner } from './modelRunner';
import {
  runTokenClassification,
  runTokenClassificationScored,
  tokenUncertainty,
} from './tokenClassification';

const tokenizer = new BertTokenizer(
  Vocab.fromText(
    readFileSync(new URL('../../fixtures/vocab/bert-base-chinese-vocab.txt', import.meta.url), 'utf8'),
  ),
);
const labels = ['O', 'B-PER', 'I-PER'];

/** Every token is O with logit 4, except the characters in `unsure`, whose logits are all equal. */
function runner(unsure: string): ModelRunner {
  const unsureIds = new Set([...unsure].map((ch) => tokenizer.vocab.id(ch)!));
  return {
    run(batch) {
      const k = labels.length;
      const data = new Float32Array(batch.batchSize * batch.sequenceLength * k);
      for (let t = 0; t < batch.batchSize * batch.sequenceLength; t++)
        if (!unsureIds.has(batch.inputIds[t])) data[t * k] = 4;
      return { logits: { data, shape: [batch.batchSize, batch.sequenceLength, k] } };
    },
  };
}

describe('tokenUncertainty', () => {
  it('is 1 minus the lowest top-label probability over the tokens', () => {
    expect(
      tokenUncertainty([
        [0.9, 0.1],
        [0.6, 0.4],
        [0.2, 0.8],
      ]),
    ).toBeCloseTo(0.4, 10);
    expect(tokenUncertainty([[1, 0]])).toBe(0);
    expect(tokenUncertainty([])).toBe(0);
  });

  it('ranks a text with one shaky token above confident ones, even with no entity found', async () => {
    const texts = ['今天天气很好', '今天天气很怪', ''];
    const scored = await runTokenClassificationScored(tokenizer, runner('怪'), texts, { id2label: labels });
    const confident = 1 - Math.exp(4) / (Math.exp(4) + 2);
    expect(scored[0].uncertainty).toBeCloseTo(confident, 6);
    // The tied token's top probability is 1/3.
    expect(scored[1].uncertainty).toBeCloseTo(2 / 3, 6);
    expect(scored[2]).toEqual({ entities: [], uncertainty: 0 });
    expect(scored.map((s) => s.entities)).toEqual(
      await runTokenClassification(tokenizer, runner('怪'), texts, { id2label: labels }),
    );
  });
});
