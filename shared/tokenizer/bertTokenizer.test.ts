import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BertTokenizer, charToToken, parseTokenizerConfig, tokenToChars, Vocab, wordToChars } from './index';

const root = new URL('../../fixtures/', import.meta.url);
const golden = JSON.parse(readFileSync(new URL('tokenizer/bert-base-chinese-cases.json', root), 'utf8'));
const vocabText = readFileSync(new URL('vocab/bert-base-chinese-vocab.txt', root), 'utf8');
// The goldens were made with do_lower_case=True and model_max_length=512 (see the file's "tokenizer").
const tokenizer = new BertTokenizer(Vocab.fromText(vocabText), { doLowerCase: true, modelMaxLength: 512 });

interface GoldenCase {
  name: string;
  text: string;
  text_codepoints: number[];
  tokens: string[];
  ids: number[];
  encoded: { input_ids: number[]; token_type_ids: number[]; attention_mask: number[] };
  decoded_skip_special: string;
}
const cases: GoldenCase[] = golden.cases;
interface GoldenPair {
  name: string;
  text_a: string;
  text_b: string | null;
  kwargs: {
    max_length?: number;
    truncation?: boolean | 'longest_first' | 'only_second';
    padding?: 'max_length';
  };
  tokens: string[];
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  untruncated_input_ids: number[];
}
const pairs: GoldenPair[] = golden.pairs;
const truncations: GoldenPair[] = golden.truncation;

/** What BasicTokenizer makes of a slice, written independently: lowercase, drop C*, NFD, strip Mn. */
function normalizeSlice(slice: string): string {
  let out = '';
  for (const ch of slice) out += ch === '\uFFFD' || /\p{C}/u.test(ch) ? '' : ch.toLowerCase();
  return out
    .normalize('NFC')
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/\s/gu, '');
}

describe('BertTokenizer against HF slow BertTokenizer goldens', () => {
  it('has the golden text for every case (code points match)', () => {
    expect(cases.length).toBe(48);
    for (const c of cases) expect(Array.from(c.text, (ch) => ch.codePointAt(0))).toEqual(c.text_codepoints);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: tokens, ids, encoded, decoded', (_name, c) => {
    expect(tokenizer.tokenize(c.text)).toEqual(c.tokens);
    expect(tokenizer.convertTokensToIds(tokenizer.tokenize(c.text))).toEqual(c.ids);
    const enc = tokenizer.encode(c.text);
    expect(enc.inputIds).toEqual(c.encoded.input_ids);
    expect(enc.tokenTypeIds).toEqual(c.encoded.token_type_ids);
    expect(enc.attentionMask).toEqual(c.encoded.attention_mask);
    expect(tokenizer.decode(enc.inputIds, { skipSpecialTokens: true })).toBe(c.decoded_skip_special);
  });

  it.each(pairs.map((p) => [p.name, p] as const))('pair %s', (_name, p) => {
    const enc = tokenizer.encode(p.text_a, p.text_b);
    expect(enc.tokens).toEqual(p.tokens);
    expect(enc.inputIds).toEqual(p.input_ids);
    expect(enc.tokenTypeIds).toEqual(p.token_type_ids);
    expect(enc.attentionMask).toEqual(p.attention_mask);
  });

  it.each(truncations.map((t) => [t.name, t] as const))('truncation %s', (_name, t) => {
    const options = {
      maxLength: t.kwargs.max_length,
      truncation: t.kwargs.truncation,
      padding: t.kwargs.padding,
    };
    const enc = tokenizer.encode(t.text_a, t.text_b, options);
    expect(enc.tokens).toEqual(t.tokens);
    expect(enc.inputIds).toEqual(t.input_ids);
    expect(enc.tokenTypeIds).toEqual(t.token_type_ids);
    expect(enc.attentionMask).toEqual(t.attention_mask);
    expect(tokenizer.encode(t.text_a, t.text_b).inputIds).toEqual(t.untruncated_input_ids);
  });

  it('batch padding to the longest row', () => {
    const b = golden.batch_padding;
    const rows = tokenizer.encodeBatch(b.texts, { padding: b.kwargs.padding });
    expect(rows.map((r) => r.inputIds)).toEqual(b.input_ids);
    expect(rows.map((r) => r.tokenTypeIds)).toEqual(b.token_type_ids);
    expect(rows.map((r) => r.attentionMask)).toEqual(b.attention_mask);
  });
});

describe('offsets', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: every span slices to its token', (_name, c) => {
    const enc = tokenizer.encode(c.text);
    expect(enc.offsets[0]).toBeNull();
    expect(enc.offsets[enc.offsets.length - 1]).toBeNull();
    expect(enc.codePointOffsets[0]).toBeNull();
    const cps = Array.from(c.text);
    for (let t = 1; t < enc.tokens.length - 1; t++) {
      const token = enc.tokens[t];
      const span = enc.offsets[t];
      const cpSpan = enc.codePointOffsets[t];
      expect(span).not.toBeNull();
      expect(cpSpan).not.toBeNull();
      const [start, end] = span!;
      const slice = c.text.slice(start, end);
      // Code-point offsets are the UTF-16 ones converted.
      expect(cpSpan).toEqual([
        Array.from(c.text.slice(0, start)).length,
        Array.from(c.text.slice(0, end)).length,
      ]);
      expect(cps.slice(cpSpan![0], cpSpan![1]).join('')).toBe(slice);
      if (token === '[UNK]' && !slice.startsWith('[UNK]')) {
        // [UNK] covers its whole original word, which tokenizes to [UNK] on its own.
        expect(tokenizer.tokenize(slice)).toEqual(['[UNK]']);
      } else if (['[CLS]', '[SEP]', '[MASK]', '[PAD]', '[UNK]'].includes(token)) {
        expect(slice).toBe(token);
      } else {
        expect(normalizeSlice(slice)).toBe(token.startsWith('##') ? token.slice(2) : token);
      }
    }
  });

  it('astral characters and emoji do not shift spans', () => {
    const text = '😀😂👍🔥 emoji测试 🇨🇳 ❤️ 👨‍👩‍👧';
    const enc = tokenizer.encode(text);
    expect(enc.tokens).toEqual([
      '[CLS]',
      '[UNK]',
      'em',
      '##o',
      '##ji',
      '测',
      '试',
      '[UNK]',
      '❤',
      '[UNK]',
      '[SEP]',
    ]);
    expect(enc.offsets).toEqual([
      null,
      [0, 8],
      [9, 11],
      [11, 12],
      [12, 14],
      [14, 15],
      [15, 16],
      [17, 21],
      [22, 24],
      [25, 33],
      null,
    ]);
    expect(enc.codePointOffsets).toEqual([
      null,
      [0, 4],
      [5, 7],
      [7, 8],
      [8, 10],
      [10, 11],
      [11, 12],
      [13, 15],
      [16, 18],
      [19, 24],
      null,
    ]);
    expect(charToToken(enc, 10)).toBe(5); // code point 10 is 测
    expect(charToToken(enc, 14, 0, 'utf16')).toBe(5);
    expect(charToToken(enc, 4)).toBeNull(); // the space
    expect(tokenToChars(enc, 8)).toEqual([16, 18]);
  });

  it('tracks lowercasing that changes length, decomposed accents and dropped characters', () => {
    // 'İ' lowercases to 'i' + U+0307 (two code points); the mark is then stripped.
    const text = 'İstanbul Cafe\u0301 a\u200bb\u0000c';
    const enc = tokenizer.encode(text, null, { addSpecialTokens: false });
    const slices = enc.offsets.map((s) => text.slice(s![0], s![1]));
    expect(enc.tokens.join(' ')).toBe(tokenizer.tokenize(text).join(' '));
    expect(slices.join('|')).toMatch(/^İ/);
    const cafe = enc.tokens.indexOf('cafe');
    expect(cafe).toBeGreaterThan(0);
    expect(slices[cafe]).toBe('Cafe\u0301');
    // ZWSP and NUL are dropped but do not split the word "abc".
    expect(wordToChars(enc, enc.wordIds[enc.wordIds.length - 1]!, 0, 'utf16')).toEqual([
      text.indexOf('a\u200b'),
      text.length,
    ]);
  });

  it('several tokens from one character share its span (Hangul NFD → jamo); charToToken gives the first', () => {
    const enc = tokenizer.encode('각하', null, { addSpecialTokens: false });
    expect(enc.tokens).toEqual(['ᄀ', '##ᅡ', '##ᆨ', '##ᄒ', '##ᅡ']);
    expect(enc.codePointOffsets).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
    expect([0, 1, 2].map((c) => charToToken(enc, c))).toEqual([0, 3, null]);
  });

  it('pairs: offsets refer to each text, windows cover the long text with stride', () => {
    const question = '谁提出了NEZHA？';
    const context = '自然语言处理是人工智能的一个重要分支。NEZHA模型由华为诺亚方舟实验室提出。'.repeat(3);
    const windows = tokenizer.encodeWindows(question, context, {
      maxLength: 32,
      stride: 8,
      truncation: 'only_second',
    });
    expect(windows.length).toBeGreaterThan(2);
    const all = tokenizer.tokenizeWithOffsets(context);
    let covered = 0;
    windows.forEach((w, i) => {
      expect(w.inputIds.length).toBeLessThanOrEqual(32);
      expect(w.windowIndex).toBe(i);
      const firstContext = w.sequenceIds.indexOf(1);
      expect(w.offsets[firstContext]).toEqual([all.starts[w.windowTokenStart], all.ends[w.windowTokenStart]]);
      const ctx = w.offsets.filter((_, k) => w.sequenceIds[k] === 1) as [number, number][];
      // The question is repeated whole in every window.
      expect(w.tokens.slice(1, w.sequenceIds.indexOf(null, 1))).toEqual(tokenizer.tokenize(question));
      for (let k = 0; k < ctx.length; k++)
        expect(tokenizer.tokenize(context.slice(ctx[k][0], ctx[k][1]))).toHaveLength(1);
      if (i > 0) {
        const previousContext = windows[i - 1].offsets.filter((_, k) => windows[i - 1].sequenceIds[k] === 1);
        expect(previousContext.slice(-8)).toEqual(ctx.slice(0, 8));
      }
      covered = Math.max(covered, ctx[ctx.length - 1][1]);
    });
    expect(covered).toBe(all.ends[all.ends.length - 1]);
  });

  it('single-text windows for long NER sentences keep every token exactly once outside the stride', () => {
    const sentence = '中共中央致中国致公党十一大的贺词各位代表、各位同志：'.repeat(10);
    const windows = tokenizer.encodeWindows(sentence, null, { maxLength: 40, stride: 10 });
    const tokens = tokenizer.tokenize(sentence);
    const rebuilt: string[] = [];
    windows.forEach((w, i) => {
      const inner = w.tokens.slice(1, -1);
      rebuilt.push(...(i === 0 ? inner : inner.slice(10)));
    });
    expect(rebuilt).toEqual(tokens);
  });
});

describe('configuration and errors', () => {
  it('reads tokenizer_config.json and special_tokens_map.json of a checkpoint folder', () => {
    const folder = new URL('nezha-tiny/token-classification/', root);
    const t = BertTokenizer.fromFiles({
      vocabText: readFileSync(new URL('vocab.txt', folder), 'utf8'),
      tokenizerConfig: JSON.parse(readFileSync(new URL('tokenizer_config.json', folder), 'utf8')),
      specialTokensMap: JSON.parse(readFileSync(new URL('special_tokens_map.json', folder), 'utf8')),
    });
    expect(t.settings.modelMaxLength).toBe(128);
    const enc = t.encode('你'.repeat(300), null, { truncation: true });
    expect(enc.inputIds).toHaveLength(128);
  });

  it('honours do_lower_case false and strip_accents', () => {
    const cased = new BertTokenizer(
      Vocab.fromText(vocabText),
      parseTokenizerConfig({ do_lower_case: false }),
    );
    // The Chinese vocabulary is lowercase only, so cased words are unknown.
    expect(cased.tokenize('Café Hello')).toEqual(['[UNK]', '[UNK]']);
    expect(tokenizer.tokenize('Café Hello')).toEqual(['cafe', 'hello']);
    const accents = new BertTokenizer(
      Vocab.fromText(vocabText),
      parseTokenizerConfig({ do_lower_case: true, strip_accents: false }),
    );
    expect(accents.tokenize('café')).toEqual(['[UNK]']);
  });

  it('reads a vocab.txt with CRLF line endings as Python does (universal newlines)', () => {
    const crlf = Vocab.fromText(vocabText.replaceAll('\n', '\r\n'));
    expect(crlf.size).toBe(21128);
    expect(new BertTokenizer(crlf).encode('华为Mate 60').inputIds).toEqual(
      tokenizer.encode('华为Mate 60').inputIds,
    );
  });

  it('says what is wrong with a bad configuration', () => {
    expect(() => parseTokenizerConfig({ do_lower_case: 'yes' })).toThrow(/do_lower_case/);
    expect(() => new BertTokenizer(Vocab.fromText('[PAD]\n[CLS]\n'))).toThrow(/\[UNK\]/);
    expect(() => tokenizer.encode('一二三四五', '六', { truncation: 'only_second', maxLength: 6 })).toThrow(
      /only_second/,
    );
  });
});

describe('Unicode 14 semantics (oracle: tools/hf_slow_bert_port.py under Python 3.11)', () => {
  const fuzz: { text: string; tokens: string[] }[] = JSON.parse(
    readFileSync(new URL('testdata/fuzz-unicode14.json', import.meta.url), 'utf8'),
  );

  it('matches the Python port on 1500 strings of version-sensitive characters, with valid spans', () => {
    expect(fuzz.length).toBe(1500);
    for (const c of fuzz) {
      const t = tokenizer.tokenizeWithOffsets(c.text);
      expect(t.tokens, JSON.stringify(c.text)).toEqual(c.tokens);
      for (let k = 1; k < t.starts.length; k++) {
        expect(t.starts[k - 1] < t.ends[k - 1] && t.ends[k - 1] <= c.text.length).toBe(true);
        expect(t.starts[k]).toBeGreaterThanOrEqual(t.starts[k - 1]);
      }
    }
  });

  it('drops characters unassigned in Unicode 14 before lowercasing (U+A7CB would become ɤ in Node)', () => {
    expect('\ua7cb'.toLowerCase()).toBe('\u0264');
    expect(tokenizer.tokenize('\ua7cb\u0264')).toEqual(tokenizer.tokenize('\u0264'));
    expect(tokenizer.tokenize('a\u2028b')).toEqual(['a', 'b']); // Python's str.split() splits on U+2028
  });
});

describe('the MSRA NER test set (172,601 characters)', () => {
  const sentences: { text: string; tags: string[] }[] = [];
  let current = { text: '', tags: [] as string[] };
  for (const line of readFileSync(new URL('datasets/msra_ner/msra_test_bio.txt', root), 'utf8').split('\n')) {
    if (line.trim() === '') {
      if (current.text) sentences.push(current);
      current = { text: '', tags: [] };
    } else {
      const [ch, tag] = line.split('\t');
      current.text += ch;
      current.tags.push(tag);
    }
  }
  if (current.text) sentences.push(current);

  it('tokenizes exactly as the Python 3.11 port (sha256 of all tokens)', () => {
    const hash = createHash('sha256');
    let count = 0;
    for (const s of sentences) {
      const tokens = tokenizer.tokenize(s.text);
      count += tokens.length;
      hash.update(tokens.join(' ') + '\n');
    }
    // From tools/hf_slow_bert_port.py over the same sentences.
    expect([sentences.length, count]).toEqual([3442, 172140]);
    expect(hash.digest('hex')).toBe('25669205c19411cfca17bd39cddf81aed4f9b22db8a82d55b9061d77c836d1fe');
  });

  it('maps every gold entity (code-point span from BIO tags) exactly onto token boundaries', () => {
    let entities = 0;
    const misaligned: string[] = [];
    for (const s of sentences) {
      const enc = tokenizer.encode(s.text, null, { addSpecialTokens: false });
      for (let i = 0; i < s.tags.length; i++) {
        if (!s.tags[i].startsWith('B-')) continue;
        let end = i + 1;
        while (end < s.tags.length && s.tags[end].startsWith('I-')) end++;
        entities++;
        const first = charToToken(enc, i);
        const last = charToToken(enc, end - 1);
        // Checked without expect() per entity: 6190 × 4 expect calls would dominate the run time.
        if (
          first === null ||
          last === null ||
          enc.codePointOffsets[first]![0] !== i ||
          enc.codePointOffsets[last]![1] !== end
        ) {
          misaligned.push(Array.from(s.text).slice(i, end).join(''));
        }
      }
    }
    expect(misaligned).toEqual([]);
    expect(entities).toBe(2886 + 1331 + 1973);
  });
});
