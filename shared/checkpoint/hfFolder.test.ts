import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpointFolder } from './folder';
import { configJsonText, dropTiedAliases, writeHfFolder } from './hfFolder';
import { pythonFloatRepr, pythonJsonDumps } from './pythonJson';
import { readSafetensors } from './safetensors';
import { memoryCheckpointSource } from './source';
import type { StateDict } from './types';

const TINY = join(import.meta.dirname, '../../fixtures/nezha-tiny');
const HF_FILES = [
  'config.json',
  'model.safetensors',
  'vocab.txt',
  'tokenizer_config.json',
  'special_tokens_map.json',
];
const FOLDERS = [
  'pretraining',
  'base',
  'sequence-classification',
  'sequence-classification-regression',
  'sequence-classification-multilabel',
  'token-classification',
  'question-answering',
  'multiple-choice',
];

function file(folder: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TINY, folder, name)));
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function expectSameFiles(written: Map<string, Uint8Array>, folder: string): void {
  expect([...written.keys()].sort()).toEqual([...HF_FILES].sort());
  for (const name of HF_FILES) {
    const expected = file(folder, name);
    const actual = written.get(name)!;
    if (name.endsWith('.json') || name.endsWith('.txt'))
      expect(text(actual), `${folder}/${name}`).toBe(text(expected));
    expect(Buffer.from(actual).equals(Buffer.from(expected)), `${folder}/${name} bytes`).toBe(true);
  }
}

describe('writeHfFolder reproduces save_pretrained byte for byte', () => {
  it.each(FOLDERS)('%s: re-writing the loaded folder gives the same five files', async (folder) => {
    const files = new Map(HF_FILES.map((name) => [name, file(folder, name)]));
    const loaded = await loadCheckpointFolder(memoryCheckpointSource(files));
    const written = writeHfFolder({
      config: loaded.config as Record<string, unknown>,
      stateDict: loaded.stateDict,
      vocab: text(files.get('vocab.txt')!),
    });
    expectSameFiles(written, folder);
  });

  it.each(['pretraining', 'sequence-classification'])(
    '%s: from pytorch_model.bin (with the tied decoder aliases) gives the safetensors HF wrote',
    async (folder) => {
      const files = new Map([
        ['config.json', file(folder, 'config.json')],
        ['pytorch_model.bin', file(folder, 'pytorch_model.bin')],
      ]);
      const loaded = await loadCheckpointFolder(memoryCheckpointSource(files));
      expect(loaded.format).toBe('pytorch-bin');
      const written = writeHfFolder({
        config: loaded.config as Record<string, unknown>,
        stateDict: loaded.stateDict,
        vocab: text(file(folder, 'vocab.txt')),
      });
      expectSameFiles(written, folder);
    },
  );
});

describe('tied aliases', () => {
  const state = (): StateDict =>
    new Map([
      [
        'nezha.embeddings.word_embeddings.weight',
        { storedDtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      ],
      ['cls.predictions.bias', { storedDtype: 'F32', shape: [2], data: new Float32Array([5, 6]) }],
      [
        'cls.predictions.decoder.weight',
        { storedDtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      ],
      ['cls.predictions.decoder.bias', { storedDtype: 'F32', shape: [2], data: new Float32Array([5, 7]) }],
    ]);

  it('drops an alias equal to its source and keeps one that differs', () => {
    expect([...dropTiedAliases(state(), {}).keys()]).toEqual([
      'nezha.embeddings.word_embeddings.weight',
      'cls.predictions.bias',
      'cls.predictions.decoder.bias',
    ]);
  });

  it('keeps both when tie_word_embeddings is false', () => {
    expect(dropTiedAliases(state(), { tie_word_embeddings: false }).size).toBe(4);
    const written = writeHfFolder({
      config: { tie_word_embeddings: false },
      stateDict: state(),
      vocab: '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n',
    });
    expect([...readSafetensors(written.get('model.safetensors')!).keys()]).toContain(
      'cls.predictions.decoder.weight',
    );
  });
});

describe('Python json.dumps compatibility', () => {
  it.each([
    [0.1, '0.1'],
    [1e-12, '1e-12'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [1, '1.0'],
    [0, '0.0'],
    [-2.5, '-2.5'],
    [123456.789, '123456.789'],
    [9.999e15, '9999000000000000.0'],
    [1e16, '1e+16'],
    [1e22, '1e+22'],
    [Math.SQRT2, '1.4142135623730951'],
  ])('repr(%s) = %s', (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });

  it('config.json: ensure_ascii escapes, int-keyed id2label sorted numerically, float keys keep .0', () => {
    const id2label = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [String(i), i === 0 ? '人名' : `L${i}`]),
    );
    const out = configJsonText({
      id2label,
      classifier_dropout: 0,
      hidden_size: 768,
      label2id: { L10: 10, L2: 2 },
      name: 'a"b\\c\n😀',
    });
    expect(out).toBe(
      [
        '{',
        '  "classifier_dropout": 0.0,',
        '  "hidden_size": 768,',
        '  "id2label": {',
        ...Array.from(
          { length: 12 },
          (_, i) => `    "${i}": "${i === 0 ? '\\u4eba\\u540d' : `L${i}`}"${i < 11 ? ',' : ''}`,
        ),
        '  },',
        '  "label2id": {',
        '    "L10": 10,',
        '    "L2": 2',
        '  },',
        '  "name": "a\\"b\\\\c\\n\\ud83d\\ude00"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('empty containers and ensure_ascii=False', () => {
    expect(pythonJsonDumps({ a: [], b: {}, c: '人' }, { ensureAscii: false })).toBe(
      '{\n  "a": [],\n  "b": {},\n  "c": "人"\n}',
    );
  });
});
