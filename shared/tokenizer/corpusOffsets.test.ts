import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../datasets/importDataset';
import { BertTokenizer, Vocab } from './index';

/*
 * Offsets over real text: every golden string and every sentence of every NER corpus in
 * fixtures/datasets. Each token's span of the ORIGINAL text, normalised as BasicTokenizer does
 * (lower-case, NFD, drop Mn and control characters), must spell the token without "##", unless the
 * token is [UNK]. Any drift (a stripped accent or a dropped control char not accounted for, a
 * surrogate pair counted once) shows up as a mismatch with the file, sentence and token named.
 */

const root = new URL('../../fixtures/', import.meta.url);
const vocabText = readFileSync(new URL('vocab/bert-base-chinese-vocab.txt', root), 'utf8');
const tokenizer = new BertTokenizer(Vocab.fromText(vocabText), { doLowerCase: true, modelMaxLength: 512 });

/** Written independently of the tokenizer: lower-case, drop C* and U+FFFD, NFD, strip Mn, drop spaces. */
function normalizeSlice(slice: string): string {
  let out = '';
  for (const ch of slice) out += ch === '\uFFFD' || /\p{C}/u.test(ch) ? '' : ch.toLowerCase();
  return out
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/\s/gu, '');
}

/** Mismatches of one text, as readable lines (empty when every span spells its token). */
function offsetMismatches(where: string, text: string): string[] {
  const tokenized = tokenizer.tokenizeWithOffsets(text);
  const problems: string[] = [];
  for (let t = 0; t < tokenized.tokens.length; t++) {
    const token = tokenized.tokens[t];
    const start = tokenized.starts[t];
    const end = tokenized.ends[t];
    if (!(start >= 0 && start < end && end <= text.length)) {
      problems.push(`${where} token ${t} ${JSON.stringify(token)}: bad span [${start}, ${end})`);
      continue;
    }
    if (token === tokenizer.settings.unkToken) continue;
    const slice = text.slice(start, end);
    const expected = token.startsWith('##') ? token.slice(2) : token;
    if (tokenized.isSpecial[t] ? slice !== token : normalizeSlice(slice) !== expected) {
      problems.push(
        `${where} token ${t} ${JSON.stringify(token)}: span [${start}, ${end}) is ${JSON.stringify(slice)}`,
      );
    }
  }
  // Spans go left to right and never overlap.
  for (let t = 1; t < tokenized.tokens.length; t++) {
    if (tokenized.starts[t] < tokenized.ends[t - 1])
      problems.push(`${where} token ${t}: overlaps token ${t - 1}`);
  }
  return problems;
}

const nerFiles = [
  'peoples_daily_ner/example.dev',
  'msra_ner/msra_test_bio.txt',
  'peoples_daily_ner_chinese_bert_wwm/dev.txt',
  'msra_ner_ernie/dev.tsv',
  'cluener2020/dev.json',
  'wnut17_en/emerging.dev.conll',
];

describe('token offsets over real text', () => {
  it('every golden string (single texts and pairs) spells its tokens', () => {
    const golden = JSON.parse(readFileSync(new URL('tokenizer/bert-base-chinese-cases.json', root), 'utf8'));
    const texts: [string, string][] = [];
    for (const c of golden.cases) texts.push([`case ${c.name}`, c.text]);
    for (const group of ['pairs', 'truncation'] as const) {
      for (const p of golden[group] ?? []) {
        texts.push([`${group} ${p.name} text_a`, p.text_a]);
        if (p.text_b) texts.push([`${group} ${p.name} text_b`, p.text_b]);
      }
    }
    expect(texts.length).toBeGreaterThan(48);
    const problems = texts.flatMap(([where, text]) => offsetMismatches(where, text));
    expect(problems).toEqual([]);
  });

  it.each(nerFiles)('%s: every sentence spells its tokens', (file) => {
    const bytes = readFileSync(new URL(`datasets/${file}`, root));
    const result = importDataset(new Uint8Array(bytes), { file });
    expect(result.task).toBe('ner');
    const records = result.records as { text: string }[];
    expect(records.length).toBeGreaterThan(100);
    let tokens = 0;
    const problems: string[] = [];
    records.forEach((record, i) => {
      problems.push(...offsetMismatches(`${file} sentence ${i + 1}`, record.text));
      tokens += tokenizer.tokenizeWithOffsets(record.text).tokens.length;
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(tokens).toBeGreaterThan(records.length);
  });
});
