import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../datasets/importDataset';
import type { NerExample } from '../datasets/types';
import { BertTokenizer } from '../tokenizer';
import { TrainingRandom } from './random';
import {
  groupWholeWords,
  loadJiebaSegmenter,
  maskWholeWords,
  pretrainingRows,
  wholeWordTokens,
  wordSpans,
  type WordSegmenter,
} from './wholeWordMasking';

/*
 * Whole word masking with real jieba (jieba-wasm): a jieba word is masked entirely or not at all,
 * and over a corpus 15% of tokens are chosen, of which 80% become [MASK], 10% a random token and
 * 10% stay.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
const tokenizer = BertTokenizer.fromFiles({
  vocabText: readFileSync(`${root}/vocab/bert-base-chinese-vocab.txt`, 'utf8'),
});
const corpus = `${root}/datasets/peoples_daily_ner/example.dev`;
const texts = (importDataset(new Uint8Array(readFileSync(corpus)), { file: corpus }).records as NerExample[])
  .map((r) => r.text)
  .slice(0, 400);
let segment: WordSegmenter;

beforeAll(async () => {
  segment = await loadJiebaSegmenter();
});

describe('whole word masking', () => {
  it('jieba segments Chinese and the words tile the text', () => {
    const text = '我们在北京天安门广场看升旗仪式';
    const words = segment(text);
    expect(words.join('')).toBe(text);
    expect(words).toContain('北京天安门广场');
    expect(wordSpans(text, words).at(-1)![1]).toBe([...text].length);
  });

  it('marks characters inside a word with ## as Chinese-BERT-wwm does', () => {
    const row = groupWholeWords(tokenizer, segment, '中华人民共和国成立了', null, 64);
    const tokens = wholeWordTokens(tokenizer, row);
    expect(tokens.slice(0, 8)).toEqual(['[CLS]', '中', '##华', '##人', '##民', '##共', '##和', '##国']);
    expect(tokens.at(-1)).toBe('[SEP]');
  });

  it('never splits a jieba word, and hits the 15% / 80-10-10 rates over a corpus', () => {
    const random = new TrainingRandom(17);
    let tokens = 0;
    let chosen = 0;
    let masked = 0;
    let replaced = 0;
    let kept = 0;
    let splitWords = 0;
    for (const text of texts) {
      const row = groupWholeWords(tokenizer, segment, text, null, 128);
      const { inputIds, labels } = maskWholeWords(row, random, tokenizer);
      // Every jieba word (as token groups) is all-chosen or none-chosen.
      for (const word of row.words) {
        const picked = word.filter((t) => labels[t] !== -100).length;
        if (picked !== 0 && picked !== word.length) splitWords++;
      }
      // No special token is ever chosen.
      expect(labels[0]).toBe(-100);
      expect(labels.at(-1)).toBe(-100);
      tokens += row.words.reduce((n, w) => n + w.length, 0);
      labels.forEach((label, t) => {
        if (label === -100) return;
        chosen++;
        if (inputIds[t] === tokenizer.maskId) masked++;
        else if (inputIds[t] === label) kept++;
        else replaced++;
      });
    }
    expect(splitWords).toBe(0);
    expect(tokens).toBeGreaterThan(15000);
    // Whole words that would overshoot the budget are skipped, so the rate is at most 15%.
    expect(chosen / tokens).toBeGreaterThan(0.135);
    expect(chosen / tokens).toBeLessThanOrEqual(0.155);
    expect(masked / chosen).toBeCloseTo(0.8, 1);
    expect(Math.abs(replaced / chosen - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.02);
  });

  it('builds NSP pairs: about half random (label 1), the rest the next sentence (label 0)', () => {
    const documents = [texts.slice(0, 40), texts.slice(40, 80), texts.slice(80, 120)];
    const rows = pretrainingRows(documents, tokenizer, segment, 96, new TrainingRandom(3), true);
    expect(rows.length).toBe(117);
    const random = rows.filter((r) => r.nextSentenceLabel === 1).length;
    expect(random / rows.length).toBeGreaterThan(0.35);
    expect(random / rows.length).toBeLessThan(0.65);
    const notNext = rows.find((r) => r.nextSentenceLabel === 0)!;
    expect(notNext.tokenTypeIds).toContain(1);
  });
});
