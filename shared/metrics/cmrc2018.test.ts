// Expected values are hand-computed from the official script's definitions (cmrc2018_evaluate.py v5-special);
// the working is in the comments.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cmrc2018Evaluate,
  cmrcExactMatch,
  cmrcF1,
  cmrcFindLcs,
  cmrcMixedSegmentation,
  cmrcRemovePunctuation,
  type CmrcDataset,
} from './cmrc2018';
import { treebankWordTokenize } from './nltkTreebank';

const excerpt = JSON.parse(
  readFileSync(
    new URL('../../fixtures/datasets/cmrc2018/cmrc2018_dev_excerpt.json', import.meta.url),
    'utf8',
  ),
) as CmrcDataset;

describe('NLTK treebank word tokenizer (3.4.5 rules)', () => {
  it('reproduces the NLTK docstring examples', () => {
    expect(
      treebankWordTokenize('Good muffins cost $3.88\nin New York.  Please buy me\ntwo of them.\nThanks.'),
    ).toEqual([
      'Good',
      'muffins',
      'cost',
      '$',
      '3.88',
      'in',
      'New',
      'York.',
      'Please',
      'buy',
      'me',
      'two',
      'of',
      'them.',
      'Thanks',
      '.',
    ]);
    expect(treebankWordTokenize("They'll save and invest more.")).toEqual([
      'They',
      "'ll",
      'save',
      'and',
      'invest',
      'more',
      '.',
    ]);
    expect(treebankWordTokenize("hi, my name can't hello,")).toEqual([
      'hi',
      ',',
      'my',
      'name',
      'ca',
      "n't",
      'hello',
      ',',
    ]);
  });

  it('splits quotes, brackets, dashes and contractions', () => {
    expect(treebankWordTokenize('"hello" world')).toEqual(['``', 'hello', "''", 'world']);
    expect(treebankWordTokenize('a (b) c--d')).toEqual(['a', '(', 'b', ')', 'c', '--', 'd']);
    expect(treebankWordTokenize('‘quote’ «x»')).toEqual(['‘', 'quote', '’', '«', 'x', '»']);
    expect(treebankWordTokenize("'tis wanna go")).toEqual(["'t", 'is', 'wan', 'na', 'go']);
  });
});

describe('CMRC 2018 normalisation', () => {
  it('segments Chinese per character and English/digits as NLTK words', () => {
    expect(cmrcMixedSegmentation('我在NEW York工作')).toEqual(['我', '在', 'new', 'york', '工', '作']);
    expect(cmrcMixedSegmentation('The U.S. Army.')).toEqual(['the', 'u.s.', 'army', '.']);
    expect(cmrcMixedSegmentation('364.6 公里')).toEqual(['364.6', '公', '里']);
    // Punctuation from the list splits runs when kept, and is dropped with rm_punc:
    expect(cmrcMixedSegmentation('光荣和ω-force')).toEqual(['光', '荣', '和', 'ω', '-', 'force']);
    expect(cmrcMixedSegmentation('光荣和ω-force', true)).toEqual(['光', '荣', '和', 'ωforce']);
    expect(cmrcMixedSegmentation('「战史演武」&「争霸演武」', true)).toEqual([
      '战',
      '史',
      '演',
      '武',
      '&',
      '争',
      '霸',
      '演',
      '武',
    ]);
  });

  it('removes only the listed punctuation, lowercases and strips', () => {
    expect(cmrcRemovePunctuation('  《Ω-FORCE》。 ')).toBe('ωforce');
    expect(cmrcRemovePunctuation('a, b.')).toBe('a, b.'); // ASCII , and . are not in the list
    expect(cmrcRemovePunctuation('好……')).toBe('好……'); // '……' is one list item, so single '…' chars stay
    expect(cmrcRemovePunctuation('\u3000全角空格\u3000')).toBe('全角空格'); // Python strips U+3000
  });

  it('finds the longest common contiguous run', () => {
    expect(cmrcFindLcs(['a', 'b', 'c', 'd'], ['x', 'b', 'c', 'y'])).toEqual({ lcs: ['b', 'c'], length: 2 });
    expect(cmrcFindLcs(['足', '球', '运', '动', '员'], ['运', '动', '员', '足', '球']).length).toBe(3);
    expect(cmrcFindLcs([], ['a']).length).toBe(0);
  });
});

describe('CMRC 2018 EM and F1 per question', () => {
  it('scores hand-computed cases', () => {
    // [光,荣,和,ωforce] vs [光,荣]: lcs 2, p 1, r 1/2.
    expect(cmrcF1(['光荣和ω-force'], '光荣')).toBeCloseTo(2 / 3, 12);
    // '…' is not removed: [光,荣,和,ωforce…] shares 3 of 4 segments.
    expect(cmrcF1(['光荣和ω-force'], '光荣和ω-force…')).toBeCloseTo(0.75, 12);
    expect(cmrcExactMatch(['光荣和ω-force'], '光荣和ω-force…')).toBe(0);
    expect(cmrcExactMatch(['光荣和ω-force'], '光荣和Ω-FORCE')).toBe(1);
    // Max over references: 0 against 村雨城, 2/3 against the 10-character answer.
    expect(cmrcF1(['村雨城', '任天堂游戏谜之村雨城'], '任天堂游戏')).toBeCloseTo(2 / 3, 12);
    // Space is kept by EM but not a segment for F1.
    expect(cmrcExactMatch(['364.6公里'], '364.6 公里')).toBe(0);
    expect(cmrcF1(['364.6公里'], '364.6 公里')).toBe(1);
    expect(cmrcF1(['巴西'], '')).toBe(0);
    expect(() => cmrcF1([], 'x')).toThrow(/reference answer/);
  });
});

describe('cmrc2018Evaluate on the dev excerpt', () => {
  const ids: string[] = [];
  const first: Record<string, string> = {};
  for (const article of excerpt.data)
    for (const paragraph of article.paragraphs)
      for (const qa of paragraph.qas) {
        ids.push(qa.id);
        first[qa.id] = qa.answers[0].text;
      }

  it('gives EM = F1 = 100 when every prediction is the first reference', () => {
    const r = cmrc2018Evaluate(excerpt, first);
    expect(ids.length).toBe(17);
    expect(r).toMatchObject({ em: 100, f1: 100, average: 100, total: 17, skipped: 0 });
  });

  it('gives the hand-computed scores for perturbed predictions', () => {
    const predictions: Record<string, string> = { ...first };
    predictions.DEV_0_QUERY_0 = '光荣'; // EM 0, F1 2/3
    predictions.DEV_0_QUERY_1 = '任天堂游戏'; // EM 0, F1 2/3
    predictions.DEV_0_QUERY_2 = '战史演武'; // 4 of 9 segments: EM 0, F1 8/13
    delete predictions.DEV_1_QUERY_0; // unanswered: counts as 0 and as skipped
    predictions.DEV_1_QUERY_1 = '锣鼓点。'; // 。 removed: EM 1, F1 1
    predictions.DEV_1_QUERY_3 = '鼓锣钹和板'; // 、 removed: EM 1, F1 1
    predictions.DEV_2_QUERY_0 = '364.6 公里'; // EM 0 (space), F1 1
    predictions.DEV_2_QUERY_2 = '1903'; // [1903] vs [1903,年]: EM 0, F1 2/3
    predictions.DEV_3_QUERY_1 = '11.42亿'; // [11.42,亿] vs [11.42,亿,元]: EM 0, F1 0.8
    predictions.DEV_3_QUERY_2 = excerpt.data[3].paragraphs[0].qas[2].answers[2].text; // third reference: EM 1, F1 1
    predictions.DEV_4_QUERY_0 = ''; // EM 0, F1 0
    predictions.DEV_4_QUERY_1 = '运动员足球'; // lcs 运动员 3 of 5 both ways: EM 0, F1 0.6
    const r = cmrc2018Evaluate(excerpt, predictions);
    // EM 1 for: DEV_1_QUERY_1, _2, _3, DEV_2_QUERY_1, DEV_3_QUERY_0, _2, _3, DEV_4_QUERY_2 = 8.
    expect(r.em).toBeCloseTo((100 * 8) / 17, 10);
    // F1: 3 × 2/3 + 8/13 + 9 × 1 + 0.8 + 0.6 (+ 0 + 0).
    expect(r.f1).toBeCloseTo((100 * (2 + 8 / 13 + 9 + 0.8 + 0.6)) / 17, 10);
    expect(r.average).toBeCloseTo((r.em + r.f1) / 2, 12);
    expect(r.skipped).toBe(1);
    expect(r.total).toBe(17);
    const q2 = r.examples.find((e) => e.id === 'DEV_0_QUERY_2')!;
    expect([q2.answered, q2.em]).toEqual([true, 0]);
    expect(q2.f1).toBeCloseTo(8 / 13, 12);
    expect(r.examples.find((e) => e.id === 'DEV_1_QUERY_0')).toEqual({
      id: 'DEV_1_QUERY_0',
      answered: false,
      em: 0,
      f1: 0,
    });
    expect(r.examples.map((e) => e.id)).toEqual(ids);
  });

  it('rejects a dataset that is not SQuAD-style', () => {
    expect(() => cmrc2018Evaluate({} as CmrcDataset, {})).toThrow(/"data" array/);
  });
});
