import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, activation } from './activations';
import { NezhaConfig, NezhaConfigError } from './config';
import { GOLDEN_CASES, TinyFixtures } from './fixtureReader';
import { goldenBatch, disposeBatch } from './goldenCase';

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);
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

describe('NezhaConfig', () => {
  it('has HF’s defaults (configuration_nezha.py and PretrainedConfig)', () => {
    const config = new NezhaConfig();
    expect(config).toMatchObject({
      vocabSize: 21128,
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      hiddenAct: 'gelu',
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
      maxPositionEmbeddings: 512,
      maxRelativePosition: 64,
      typeVocabSize: 2,
      initializerRange: 0.02,
      layerNormEps: 1e-12,
      classifierDropout: 0.1,
      padTokenId: 0,
      bosTokenId: 2,
      eosTokenId: 3,
      useCache: true,
      problemType: null,
      tieWordEmbeddings: true,
    });
    expect(config.numLabels).toBe(2);
    expect([...config.id2label]).toEqual([
      [0, 'LABEL_0'],
      [1, 'LABEL_1'],
    ]);
    expect(config.attentionHeadSize).toBe(64);
  });

  for (const name of GOLDEN_CASES) {
    it(`toDict() equals HF’s config.to_dict() for the ${name} case`, () => {
      const golden = fixtures.goldenCase(name);
      const expected = { ...(golden.config as Record<string, unknown>) };
      delete expected._name_or_path;
      expect(fixtures.config(golden.checkpoint).toDict()).toEqual(expected);
    });
  }

  for (const folder of FOLDERS) {
    it(`toJSON() writes back ${folder}/config.json exactly as save_pretrained wrote it`, () => {
      const text = fixtures.text(folder, 'config.json');
      const config = NezhaConfig.fromJsonText(text);
      expect(config.toJsonText()).toBe(`${text.trimEnd()}\n`);
    });
  }

  it('accepts hub quirks: NeZhaForMaskedLM architectures and leftover keys, kept on save', () => {
    const raw = {
      architectures: ['NeZhaForMaskedLM'],
      hidden_size: 768,
      num_attention_heads: 12,
      use_relative_position: true,
      max_relative_position: 64,
      directionality: 'bidi',
      pooler_fc_size: 768,
      model_type: 'nezha',
    };
    const config = new NezhaConfig(raw);
    const saved = config.toJSON();
    expect(saved.architectures).toEqual(['NeZhaForMaskedLM']);
    expect(saved.use_relative_position).toBe(true);
    expect(saved.directionality).toBe('bidi');
    expect(saved.pooler_fc_size).toBe(768);
    expect(config.toJSON('NezhaForMaskedLM').architectures).toEqual(['NezhaForMaskedLM']);
    expect(saved.torch_dtype).toBe('float32');
    expect(saved.transformers_version).toBe('4.35.2');
    // Every NEZHA key is written, defaults included.
    for (const key of [
      'vocab_size',
      'max_position_embeddings',
      'classifier_dropout',
      'use_cache',
      'layer_norm_eps',
    ]) {
      expect(saved).toHaveProperty(key);
    }
    expect(saved).not.toHaveProperty('id2label');
    expect(saved).not.toHaveProperty('problem_type');
  });

  it('keeps labels consistent as PretrainedConfig does', () => {
    const byCount = new NezhaConfig({ num_labels: 3 });
    expect([...byCount.id2label.values()]).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(byCount.label2id.get('LABEL_2')).toBe(2);
    expect(byCount.toJSON().id2label).toEqual({ '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' });
    expect(byCount.toJSON()).not.toHaveProperty('num_labels');

    const byMap = new NezhaConfig({ id2label: { '0': 'O', '1': 'B-PER' }, num_labels: 5 });
    expect(byMap.numLabels).toBe(2);
    expect(byMap.label2id.get('B-PER')).toBe(1);

    byMap.numLabels = 2; // same count: names kept
    expect(byMap.id2label.get(1)).toBe('B-PER');
    byMap.numLabels = 4; // new count: LABEL_i, as HF's setter
    expect([...byMap.label2id.keys()]).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2', 'LABEL_3']);
    byMap.setLabels(['neg', 'pos']);
    expect(byMap.toJSON().label2id).toEqual({ neg: 0, pos: 1 });
  });

  it('records the problem_type inferred at run time, as HF updates model.config', () => {
    const golden = fixtures.goldenCase('sequence_classification_regression');
    const { model } = fixtures.load('NezhaForSequenceClassification', 'sequence-classification-regression');
    expect(model.config.problemType).toBeNull();
    const batch = goldenBatch(golden.inputs, golden.labels);
    tf.dispose(model.forward(batch) as unknown as tf.TensorContainer);
    expect(model.config.problemType).toBe('regression');
    expect(model.config.toJSON().problem_type).toBe('regression');
    disposeBatch(batch);
    model.dispose();
  });

  it.each([
    [
      { hidden_size: 30, num_attention_heads: 4 },
      'hidden_size',
      /not a multiple of num_attention_heads \(4\)/,
    ],
    [{ hidden_act: 'swiglu' }, 'hidden_act', /"swiglu".*gelu_new/],
    [{ vocab_size: -5 }, 'vocab_size', /at least 1, got -5/],
    [{ num_attention_heads: 0 }, 'num_attention_heads', /at least 1/],
    [{ intermediate_size: 1.5 }, 'intermediate_size', /integer/],
    [{ hidden_dropout_prob: 1.5 }, 'hidden_dropout_prob', /\[0, 1\)/],
    [{ layer_norm_eps: 0 }, 'layer_norm_eps', /greater than 0/],
    [{ problem_type: 'ranking' }, 'problem_type', /regression, single_label_classification/],
    [{ model_type: 'bert' }, 'model_type', /expected "nezha"/],
    [{ id2label: { a: 'x' } }, 'id2label', /not a label index/],
    [{ hidden_size: 36, num_attention_heads: 4 }, 'hidden_size', /odd/],
  ])('rejects %j naming the key', (raw, key, message) => {
    let error: unknown;
    try {
      new NezhaConfig(raw as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NezhaConfigError);
    expect((error as NezhaConfigError).key).toBe(key);
    expect((error as Error).message).toContain(`"${key}"`);
    expect((error as Error).message).toMatch(message);
  });

  it('reports invalid JSON with the file name', () => {
    expect(() => NezhaConfig.fromJsonText('{"hidden_size": 32,', 'my/config.json')).toThrow(
      /my\/config\.json is not valid JSON/,
    );
  });
});

describe('activations (ACT2FN)', () => {
  it('knows every HF name the config accepts and computes the documented formulas', () => {
    expect(ACTIVATION_NAMES).toEqual(
      expect.arrayContaining([
        'gelu',
        'gelu_new',
        'relu',
        'gelu_fast',
        'gelu_pytorch_tanh',
        'quick_gelu',
        'silu',
        'swish',
        'tanh',
        'sigmoid',
        'mish',
        'gelu_python',
        'relu6',
        'linear',
      ]),
    );
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    const run = (name: string) => Array.from(tf.tidy(() => activation(name)(tf.tensor1d(xs)).dataSync()));
    const erf = (x: number) => {
      // Abramowitz–Stegun 7.1.26 is not enough here; use a series for reference values.
      let sum = 0;
      let term = x;
      for (let n = 0; n < 60; n++) {
        sum += term / (2 * n + 1);
        term *= (-x * x) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const reference: Record<string, (x: number) => number> = {
      gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
      gelu_new: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
      quick_gelu: (x) => x / (1 + Math.exp(-1.702 * x)),
      relu: (x) => Math.max(0, x),
      relu6: (x) => Math.min(6, Math.max(0, x)),
      silu: (x) => x / (1 + Math.exp(-x)),
      mish: (x) => x * Math.tanh(Math.log1p(Math.exp(x))),
      linear: (x) => x,
    };
    for (const [name, f] of Object.entries(reference)) {
      run(name).forEach((value, i) => expect(value, `${name}(${xs[i]})`).toBeCloseTo(f(xs[i]), 5));
    }
    expect(() => activation('swiglu')).toThrow(/not an HF activation/);
  });
});
