/**
 * Exports that say what is known (issue 12): "done only" vs "all with status", per-example status and span
 * provenance in JSONL spans and Label Studio, model suggestions as Label Studio predictions, the warning for
 * formats without a status, and every format read back by its importer (export, import, compare).
 */
import { describe, expect, it } from 'vitest';
import { parseCharPerLine } from './charPerLine';
import { parseCluener } from './cluener';
import { parseErnieTsv } from './ernieTsv';
import {
  exportNer,
  isKnownExample,
  NER_EXPORT_FORMATS,
  planNerExport,
  type NerExportFormat,
} from './exportNer';
import { parseJsonlSpans } from './jsonlSpans';
import { parseLabelStudio } from './labelStudio';
import { sortSpans } from './tags';
import type { NerExample, NerExportRecord } from './types';

// Four sentences: done with an accepted suggestion and a manual span, done with no entities (checked, empty),
// unfinished (one span), never looked at (with a stored model suggestion). 𠀋 shifts UTF-16 offsets.
const records: NerExportRecord[] = [
  {
    id: '1',
    text: '𠀋张三在北京工作',
    status: 'done',
    spans: [
      {
        start: 1,
        end: 3,
        label: 'PER',
        provenance: { origin: 'prediction', model: 'NEZHA tiny', score: 0.93 },
      },
      { start: 4, end: 6, label: 'LOC', provenance: { origin: 'manual' } },
    ],
    predictions: [
      {
        model: 'NEZHA tiny',
        spans: [
          { start: 1, end: 3, label: 'PER', score: 0.93 },
          { start: 6, end: 8, label: 'ORG', score: 0.41 },
        ],
      },
    ],
  },
  { id: '2', text: '没有实体的句子', status: 'done', spans: [] },
  {
    id: '3',
    text: '李四去上海',
    status: 'in-progress',
    spans: [
      {
        start: 3,
        end: 5,
        label: 'LOC',
        provenance: { origin: 'prediction-changed', model: 'NEZHA tiny', score: 0.5 },
      },
    ],
  },
  {
    id: '4',
    text: '王五和赵六在广州',
    status: 'unannotated',
    spans: [],
    predictions: [{ model: 'NEZHA tiny', spans: [{ start: 6, end: 8, label: 'LOC', score: 0.88 }] }],
  },
];

const readers: Record<NerExportFormat, (text: string) => NerExample[]> = {
  'char-per-line': (text) => parseCharPerLine(text).readAll().records,
  'ernie-tsv': (text) => parseErnieTsv(text).readAll().records,
  cluener: (text) => parseCluener(text).readAll().records,
  'jsonl-spans': (text) => parseJsonlSpans(text).readAll().records,
  'label-studio': (text) => parseLabelStudio(text).readAll().records,
};
const plain = (list: readonly NerExample[]) =>
  list.map((r) => ({
    text: r.text,
    spans: sortSpans(r.spans.map(({ start, end, label }) => ({ start, end, label }))),
  }));

describe('planNerExport', () => {
  it('"done only" keeps done and imported examples; records without a status are their file\'s, known', () => {
    const plan = planNerExport(records, 'char-per-line', 'done');
    expect(plan.records.map((r) => r.id)).toEqual(['1', '2']);
    expect(plan).toMatchObject({ skipped: 2, unseen: 0, unfinished: 0, warning: null });
    expect(isKnownExample({ status: 'imported' })).toBe(true);
    expect(isKnownExample({})).toBe(true);
    expect(isKnownExample({ status: 'in-progress' })).toBe(false);
    // A gold corpus: an edited, unfinished example is still its file's known annotation.
    expect(isKnownExample({ status: 'in-progress', fromAnnotatedFile: true })).toBe(true);
  });

  it('"all" warns for BIO/BIOES/TSV/CLUENER how many were never looked at, not for formats with a status', () => {
    for (const format of ['char-per-line', 'ernie-tsv', 'cluener'] as const) {
      const plan = planNerExport(records, format, 'all');
      expect(plan).toMatchObject({ skipped: 0, unseen: 1, unfinished: 1 });
      expect(plan.warning).toMatch(/^1 of 4 sentences were never looked at .*; 1 are unfinished/);
    }
    for (const format of ['jsonl-spans', 'label-studio'] as const)
      expect(planNerExport(records, format, 'all')).toMatchObject({ unseen: 1, warning: null });
  });
});

describe('JSONL spans with status (Prodigy convention)', () => {
  it('writes answer "accept" for done examples only, a status on every row and the provenance of spans', () => {
    const lines = exportNer(records, 'jsonl-spans')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l.answer, l.status])).toEqual([
      ['accept', 'done'],
      ['accept', 'done'],
      [undefined, 'in-progress'],
      [undefined, 'unannotated'],
    ]);
    expect(lines[0].spans).toEqual([
      { start: 1, end: 3, label: 'PER', source: 'NEZHA tiny', score: 0.93, origin: 'prediction' },
      { start: 4, end: 6, label: 'LOC' },
    ]);
    expect((lines[2].spans as unknown[])[0]).toMatchObject({ origin: 'prediction-changed' });
  });

  it('round-trips: texts, spans and statuses come back', () => {
    const back = readers['jsonl-spans'](exportNer(records, 'jsonl-spans'));
    expect(plain(back)).toEqual(plain(records));
    expect(back.map((r) => r.status)).toEqual(['done', 'done', 'in-progress', 'unannotated']);
    expect(() => readers['jsonl-spans']('{"text": "x", "spans": [], "status": "maybe"}\n')).toThrow(
      /:1: expected "status" to be one of done, in-progress, unannotated, imported/,
    );
  });
});

describe('Label Studio with status', () => {
  const tasks = () =>
    JSON.parse(exportNer(records, 'label-studio')) as {
      id: number;
      annotations?: {
        result: { origin?: string; score?: number; value: { start: number; labels: string[] } }[];
      }[];
      drafts?: { result: unknown[] }[];
      predictions?: { model_version: string; score: number; result: { score: number }[] }[];
      meta?: { status: string };
    }[];

  it('has annotations for done tasks only, a draft for unfinished work, suggestions as predictions', () => {
    const out = tasks();
    expect(out.map((t) => [t.id, Boolean(t.annotations), Boolean(t.drafts), t.meta?.status])).toEqual([
      [1, true, false, 'done'],
      [2, true, false, 'done'],
      [3, false, true, 'in-progress'],
      [4, false, false, 'unannotated'],
    ]);
    // The checked, empty sentence is an annotation with no regions: not the same as the never-seen one.
    expect(out[1].annotations).toEqual([{ result: [] }]);
    const [accepted, manual] = out[0].annotations![0].result;
    expect(accepted).toMatchObject({
      origin: 'prediction',
      score: 0.93,
      value: { start: 2, labels: ['PER'] },
    });
    expect(manual).toMatchObject({ origin: 'manual' });
    expect(out[0].predictions).toEqual([
      expect.objectContaining({ model_version: 'NEZHA tiny', score: 0.41 }),
    ]);
    expect(out[0].predictions![0].result.map((r) => r.score)).toEqual([0.93, 0.41]);
    expect(out[3].predictions![0]).toMatchObject({ model_version: 'NEZHA tiny', score: 0.88 });
  });

  it('round-trips: done and unfinished spans and statuses come back, predictions are not taken as annotations', () => {
    const back = readers['label-studio'](exportNer(records, 'label-studio'));
    expect(plain(back)).toEqual(plain(records));
    expect(back.map((r) => r.status)).toEqual(['done', 'done', 'in-progress', 'unannotated']);
    expect(back[3].spans).toEqual([]);
  });

  it('a record without a status (a converted file) is written as before: one annotation, no meta', () => {
    const [task] = JSON.parse(
      exportNer([{ text: '张三', spans: [{ start: 0, end: 2, label: 'PER' }] }], 'label-studio'),
    );
    expect(task).toEqual({
      data: { text: '张三' },
      annotations: [
        {
          result: [
            expect.objectContaining({
              origin: 'manual',
              value: { start: 0, end: 2, text: '张三', labels: ['PER'] },
            }),
          ],
        },
      ],
    });
  });
});

describe('every format round-trips what it can hold', () => {
  for (const format of NER_EXPORT_FORMATS) {
    it(`${format}: done only, then all — export, import, compare`, () => {
      for (const selection of ['done', 'all'] as const) {
        const plan = planNerExport(records, format, selection);
        const back = readers[format](exportNer(plan.records, format));
        expect(plain(back)).toEqual(plain(plan.records));
      }
    });
  }
});
