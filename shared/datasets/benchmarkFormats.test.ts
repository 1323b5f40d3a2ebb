/**
 * Classification, pair/NLI, QA and multiple-choice files, on excerpts of the real files (first ~50
 * records plus the quirky rows the datasets README names; fixtures/datasets/README.md maps excerpt
 * lines back to source lines).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseC3 } from './c3';
import { importDataset } from './importDataset';
import { parseJsonRecords } from './jsonRecords';
import { parseSquad } from './squad';
import { findSharedRecords } from './overlap';
import { parseTsv } from './tsvRecords';
import type { ClassificationExample, DatasetImportResult, PairExample } from './types';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/datasets/${path}`, import.meta.url));
const sourceLines = (path: string) => fixture(path).toString('utf8').split('\n');
const warning = (result: Omit<DatasetImportResult, 'records'>, code: string) =>
  result.warnings.find((w) => w.code === code);
const cp = (s: string) => Array.from(s);

describe('TSV classification and pairs', () => {
  it('LCQMC dev: header detected, 3 columns → pairs, U+3000 kept inside text', () => {
    const result = parseTsv(fixture('lcqmc/dev.excerpt.txt'), { file: 'dev.txt' }).readAll();
    expect(result.format).toBe('tsv-pair');
    expect(result.layout).toMatchObject({ header: ['text_a', 'text_b', 'label'] });
    expect(result.counts.records).toBe(52);
    expect(result.records[0]).toEqual({
      textA: '开初婚未育证明怎么弄？',
      textB: '初婚未育情况证明怎么开？',
      label: '1',
    });
    const ideographicSpace = (result.records as PairExample[]).filter((r) =>
      (r.textA + r.textB).includes('\u3000'),
    );
    expect(ideographicSpace).toHaveLength(2);
    expect(result.counts.labels).toEqual({ '0': 26, '1': 26 });
  });

  it('LCQMC test: the in-text U+FEFF (source line 7937) and the 3 identical pairs are reported and kept', () => {
    const result = parseTsv(fixture('lcqmc/test.excerpt.txt'), { file: 'test.txt' }).readAll();
    const lines = sourceLines('lcqmc/test.excerpt.txt');
    expect(warning(result, 'feff-in-text')).toMatchObject({ count: 1, lines: [55] });
    expect(lines[54].startsWith('\ufeff朱姓宝宝起名')).toBe(true);
    expect((result.records[53] as PairExample).textA.startsWith('\ufeff朱姓宝宝起名')).toBe(true);
    expect(warning(result, 'identical-pair')).toMatchObject({ count: 3, lines: [52, 53, 54] });
    // The BOM at the start of a field is not a file BOM.
    expect(result.layout.bom).toBe(false);
  });

  it('LCQMC without its header line: columns inferred and reported', () => {
    const text = fixture('lcqmc/dev.excerpt.txt').toString('utf8').split('\n').slice(1).join('\n');
    const result = importDataset(text, { file: 'dev-noheader.txt' });
    expect(result.format).toBe('tsv-pair');
    expect(result.counts.records).toBe(52);
    expect(warning(result, 'no-header')?.message).toContain('text_a, text_b, label');
  });

  it('ChnSentiCorp dev: label-first header, raw quotes kept as text (no CSV quoting), duplicates reported', () => {
    const result = parseTsv(fixture('chnsenticorp/dev.excerpt.tsv'), { file: 'dev.tsv' }).readAll();
    expect(result.format).toBe('tsv-classification');
    expect(result.counts.records).toBe(56);
    const records = result.records as ClassificationExample[];
    expect(records[0].label).toBe('1');
    expect(records[0].text.startsWith('這間酒店環境和服務態度亦算不錯')).toBe(true);
    expect(warning(result, 'raw-quotes')).toMatchObject({ count: 3, lines: [51, 53, 55] });
    const lines = sourceLines('chnsenticorp/dev.excerpt.tsv');
    for (const line of [51, 53, 55]) {
      const [label, text] = lines[line - 1].split('\t');
      expect(records[line - 2]).toEqual({ label, text });
      expect(text).toContain('"');
    }
    // Source line 241 repeats line 79 (excerpt lines 54 and 52).
    expect(warning(result, 'duplicate')).toMatchObject({ count: 1, lines: [54] });
    expect(records[52].text).toBe(records[50].text);
  });

  it('a field that starts with a quote is still one field (QUOTE_NONE)', () => {
    const text = 'label\ttext_a\n1\t"好"评，\t\n0\t"差\n';
    expect(() => parseTsv(text).readAll()).toThrow(/2 tab-separated columns/);
    const ok = parseTsv('label\ttext_a\n1\t"好"评，还会再来\n0\t"差\n').readAll();
    expect(ok.records).toEqual([
      { label: '1', text: '"好"评，还会再来' },
      { label: '0', text: '"差' },
    ]);
  });

  it('XNLI dev: string labels, U+0008 and U+200B inside text reported with their lines and kept', () => {
    const result = parseTsv(fixture('xnli_zh/dev.excerpt.tsv'), { file: 'dev.tsv' }).readAll();
    expect(result.format).toBe('tsv-pair');
    expect(result.records[0]).toEqual({
      textA: '他说，妈妈，我回来了。',
      textB: '校车把他放下后，他立即给他妈妈打了电话。',
      label: 'neutral',
    });
    expect(warning(result, 'backspace-in-text')).toMatchObject({ count: 3, lines: [55, 56, 57] });
    expect((result.records[53] as PairExample).textA).toContain('不，\b布拉德');
    expect(warning(result, 'zero-width-space')).toMatchObject({ count: 1, lines: [53] });
    expect(Object.keys(result.counts.labels!).sort()).toEqual(['contradiction', 'entailment', 'neutral']);
  });

  it('a row with a missing column fails with file, line and what was expected, and returns nothing', () => {
    const text = 'text_a\ttext_b\tlabel\n你好\t您好\t1\n坏行只有一列\n';
    expect(() => importDataset(text, { file: 'lcqmc.txt' })).toThrow(
      'lcqmc.txt:3: expected 3 tab-separated columns (text_a, text_b, label), found 1 column in "坏行只有一列". A text field may contain a line break.',
    );
  });
});

describe('JSON classification and pairs', () => {
  it('OCNLI dev: sentence1/sentence2 pairs, the "-" label skipped with a warning, no final newline handled', () => {
    const result = parseJsonRecords(fixture('ocnli/dev.excerpt.json'), { file: 'dev.json' }).readAll();
    expect(result.format).toBe('json-pair');
    expect(result.counts.records).toBe(70);
    expect(result.counts.skipped).toBe(1);
    expect(warning(result, 'no-gold-label')).toMatchObject({ count: 1, lines: [66] });
    expect(JSON.parse(sourceLines('ocnli/dev.excerpt.json')[65]).label).toBe('-');
    expect(warning(result, 'no-final-newline')).toBeDefined();
    expect(result.records[0]).toEqual({
      textA: '身上裹一件工厂发的棉大衣,手插在袖筒里',
      textB: '身上至少一件衣服',
      label: 'entailment',
      id: '0',
    });
    const last = JSON.parse(sourceLines('ocnli/dev.excerpt.json').at(-1)!);
    expect(result.records.at(-1)).toMatchObject({
      textA: last.sentence1,
      textB: last.sentence2,
      label: last.label,
    });
  });

  it('CLUE-style classification JSON lines and a JSON array read the same', () => {
    const rows = [
      { label: '102', label_desc: 'news_entertainment', sentence: '江疏影甜甜圈自拍', keywords: '' },
      { label: '110', label_desc: 'news_military', sentence: '以色列大规模空袭开始', keywords: '' },
    ];
    const jsonl = importDataset(rows.map((r) => JSON.stringify(r)).join('\n'), { file: 'tnews.json' });
    const array = importDataset(JSON.stringify(rows), { file: 'tnews-array.json' });
    expect(jsonl.format).toBe('json-classification');
    expect(jsonl.records).toEqual([
      { text: '江疏影甜甜圈自拍', label: '102' },
      { text: '以色列大规模空袭开始', label: '110' },
    ]);
    expect(array.records).toEqual(jsonl.records);
  });

  it('a broken JSON line fails at its line and column', () => {
    const text =
      '{"sentence1": "a", "sentence2": "b", "label": "1"}\n{"sentence1": "a", "sentence2": "b" "label": "0"}\n';
    expect(() => parseJsonRecords(text, { file: 'afqmc.json' }).readAll()).toThrow(
      "afqmc.json:2:37: expected valid JSON, found a syntax error (Expected ',' or '}' after property value).",
    );
  });
});

describe('SQuAD-style QA (CMRC 2018)', () => {
  const dev = () =>
    parseSquad(fixture('cmrc2018/cmrc2018_dev.excerpt.json'), { file: 'cmrc2018_dev.json' }).readAll();

  it('one record per question with 3 answers each; the first question as in the README', () => {
    const result = dev();
    expect(result.counts.records).toBe(45);
    expect(result.counts.answers).toBe(135);
    expect(result.records.every((r) => r.answers.length === 3)).toBe(true);
    expect(result.records[0]).toMatchObject({
      id: 'DEV_0_QUERY_0',
      question: '《战国无双3》是由哪两个公司合作开发的？',
      answers: [
        { text: '光荣和ω-force', start: 11 },
        { text: '光荣和ω-force', start: 11 },
        { text: '光荣和ω-force', start: 11 },
      ],
    });
  });

  it('every kept start points at its answer text in code points; free-form answers keep -1', () => {
    const result = dev();
    let free = 0;
    for (const record of result.records) {
      const context = cp(record.context);
      for (const answer of record.answers) {
        if (answer.start < 0) {
          free++;
          expect(record.context.includes(answer.text)).toBe(false);
        } else {
          expect(context.slice(answer.start, answer.start + cp(answer.text).length).join('')).toBe(
            answer.text,
          );
        }
      }
    }
    expect(free).toBe(5);
    expect(warning(result, 'answer-not-in-context')?.count).toBe(5);
  });

  it('answer_start values that count UTF-16 units (after a non-BMP char) are converted: DEV_101_QUERY_3 灭司马家族 at 174, not 175', () => {
    const result = dev();
    const utf16 = warning(result, 'answer-start-utf16')!;
    expect(utf16.count).toBe(7);
    const q = result.records.find((r) => r.id === 'DEV_101_QUERY_3')!;
    expect(q.answers.map((a) => [a.text, a.start])).toEqual([
      ['灭司马家族', 174],
      ['灭司马家族', 174],
      ['消灭司马家族', 173],
    ]);
    const raw = JSON.parse(fixture('cmrc2018/cmrc2018_dev.excerpt.json').toString('utf8'));
    const article = raw.data.find((a: { id: string }) => a.id === 'DEV_101');
    expect(
      article.paragraphs[0].qas.find((x: { id: string }) => x.id === 'DEV_101_QUERY_3').answers[0]
        .answer_start,
    ).toBe(175);
    // The warning points at the question's line in the file.
    expect(sourceLines('cmrc2018/cmrc2018_dev.excerpt.json')[utf16.lines[0] - 1]).toContain(
      '"DEV_101_QUERY_3"',
    );
  });

  it('trial: all 5 answers of TRIAL_210 were off by one and are converted', () => {
    const result = parseSquad(fixture('cmrc2018/cmrc2018_trial.excerpt.json'), {
      file: 'trial.json',
    }).readAll();
    expect(warning(result, 'answer-start-utf16')?.count).toBe(5);
    const trial210 = result.records.filter((r) => r.id.startsWith('TRIAL_210'));
    expect(trial210).toHaveLength(5);
    for (const r of trial210) {
      expect(
        cp(r.context)
          .slice(r.answers[0].start, r.answers[0].start + cp(r.answers[0].text).length)
          .join(''),
      ).toBe(r.answers[0].text);
    }
  });

  it('answer_start -1 is recomputed when the answer is in the context', () => {
    const doc = {
      version: 'v1.0',
      data: [
        {
          title: 't',
          paragraphs: [
            {
              context: '🙂北京是中国的首都。',
              qas: [{ id: 'q1', question: '首都？', answers: [{ text: '北京', answer_start: -1 }] }],
            },
          ],
        },
      ],
    };
    const result = parseSquad(JSON.stringify(doc, null, 2)).readAll();
    expect(result.records[0].answers).toEqual([{ text: '北京', start: 1 }]);
    expect(warning(result, 'answer-start-recomputed')).toMatchObject({ count: 1 });
  });

  it('a question without "answers" fails with its path', () => {
    const doc = { data: [{ paragraphs: [{ context: 'abc', qas: [{ id: 'q1', question: '?' }] }] }] };
    expect(() => parseSquad(JSON.stringify(doc), { file: 'bad.json' }).readAll()).toThrow(
      /bad\.json: expected data\[0\]\.paragraphs\[0\]\.qas\[0\] to have a string "question" and an "answers" list/,
    );
  });
});

describe('C3 multiple choice', () => {
  it('c3-m dev: CRLF read, one record per question, answer stored as the index of its choice, 2–4 choices', () => {
    const result = parseC3(fixture('c3/c3-m-dev.excerpt.json'), { file: 'c3-m-dev.json' }).readAll();
    expect(result.layout).toMatchObject({ lineEnding: 'crlf', finalNewline: false });
    expect(warning(result, 'crlf')).toBeDefined();
    expect(result.counts.documents).toBe(50);
    const raw = JSON.parse(fixture('c3/c3-m-dev.excerpt.json').toString('utf8')) as Array<
      [string[], Array<{ question: string; choice: string[]; answer: string }>, string]
    >;
    const questions = raw.flatMap(([sentences, qs, id]) => qs.map((q) => ({ sentences, q, id })));
    expect(result.counts.records).toBe(questions.length);
    questions.forEach(({ sentences, q, id }, i) => {
      const record = result.records[i];
      expect(record.context).toBe(sentences.join('\n'));
      expect(record.choices).toEqual(q.choice);
      expect(record.choices[record.answer]).toBe(q.answer);
      expect(record.id).toBe(id);
    });
    expect(result.counts.labels).toEqual({ '4 choices': 70, '3 choices': 6, '2 choices': 11 });
  });

  it('c3-d dev: the first dialogue as in the README', () => {
    const result = parseC3(fixture('c3/c3-d-dev.excerpt.json')).readAll();
    expect(result.records[0]).toEqual({
      context: expect.stringMatching(/^男：听说你们公司要派你去南方工作\?\n女：是呀，/),
      question: '他们在谈论什么?',
      choices: ['旅行', '坏境', '工作', '家庭'],
      answer: 2,
      id: '47-275',
    });
  });

  it('an answer that is not one of the choices fails and names the document and line', () => {
    const doc = [[['男：你好'], [{ question: '?', choice: ['甲', '乙'], answer: '丙' }], 'x-1']];
    expect(() => parseC3(JSON.stringify(doc, null, 1), { file: 'c3.json' }).readAll()).toThrow(
      'c3.json:4: expected document #1: question #1\'s answer to be one of its choices ["甲","乙"], found "丙".',
    );
  });
});

describe('overlap between splits', () => {
  it('finds texts shared by two splits; pairs match in either order', () => {
    const dev = parseTsv(fixture('lcqmc/dev.excerpt.txt')).readAll().records as PairExample[];
    const test = [
      { textA: dev[3].textB, textB: dev[3].textA, label: dev[3].label },
      { textA: '不在开发集里', textB: '也不在', label: '0' },
      { ...dev[40] },
    ];
    expect(findSharedRecords('pair', test, dev)).toEqual([
      { a: 0, b: 3 },
      { a: 2, b: 40 },
    ]);
    const senti = parseTsv(fixture('chnsenticorp/dev.excerpt.tsv')).readAll()
      .records as ClassificationExample[];
    // The excerpt's own duplicate (source lines 79 and 241) is found against itself.
    expect(findSharedRecords('classification', [senti[52]], senti)).toEqual([{ a: 0, b: 50 }]);
  });
});
