import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '../checkpoint/safetensors';
import { NezhaConfig } from './config';
import { TinyFixtures } from './fixtureReader';
import { compareValues, disposeBatch, goldenBatch } from './goldenCase';
import './gradients';
import type { NezhaClassName } from './heads';
import { createNezha } from './weights';

/*
 * The model is trainable: tf.variableGrads through every head gives HF's parameter gradients
 * (fixtures/training, from loss.backward() in HF v4.35.2), dropout acts only in training mode, and
 * relative positions work past max_position_embeddings.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
const fixtures = new TinyFixtures(`${root}/nezha-tiny`, (path) => readFileSync(path));
setWasmPaths(
  fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
);

interface GradientGolden {
  case: string;
  model_class: NezhaClassName;
  checkpoint: string;
  loss: number;
  grads_file: string;
  params_with_grad: number;
}
const trainingIndex = JSON.parse(readFileSync(`${root}/training/index.json`, 'utf8')) as {
  gradients: GradientGolden[];
};
const gradientTable: string[] = [];

afterAll(() => {
  console.log(['max |Δ| of parameter gradients against HF', ...gradientTable].join('\n'));
});

for (const backend of ['cpu', 'wasm']) {
  describe(`gradients on ${backend}`, () => {
    for (const entry of trainingIndex.gradients) {
      // WASM runs the two classification cases and masked LM; CPU runs all five.
      if (
        backend === 'wasm' &&
        !['sequence_classification', 'token_classification', 'masked_lm'].includes(entry.case)
      )
        continue;
      it(`${entry.case}: tf.variableGrads equals HF's param.grad at 1e-5`, async () => {
        expect(await tf.setBackend(backend)).toBe(true);
        const golden = fixtures.goldenCase(entry.case);
        const before = tf.memory().numTensors;
        const { model } = fixtures.load(entry.model_class, entry.checkpoint);
        const batch = goldenBatch(golden.inputs, golden.labels, entry.case);
        if (entry.case === 'masked_lm' && backend === 'wasm') {
          // The training shortcut (CPU runs without it): the LM head only at the labelled positions.
          const labels = batch.labels!.dataSync();
          const positions = [...labels.keys()].filter((i) => labels[i] !== -100);
          expect(positions.length).toBeGreaterThan(0);
          batch.labelledPositions = tf.tensor1d(positions, 'int32');
        }
        const parameters = model.namedParameters();
        const byId = new Map([...parameters].map(([name, variable]) => [variable.name, name]));
        const { value, grads } = tf.variableGrads(() => model.forward(batch).loss!, [...parameters.values()]);
        expect(Math.abs(value.dataSync()[0] - entry.loss)).toBeLessThan(1e-5 * (1 + entry.loss));

        const expected = readSafetensors(
          readFileSync(`${root}/training/${entry.grads_file}`),
          entry.grads_file,
        );
        expect(Object.keys(grads).length).toBe(entry.params_with_grad);
        expect(new Set(Object.keys(grads).map((id) => byId.get(id)))).toEqual(new Set(expected.keys()));
        let worst = 0;
        for (const [id, grad] of Object.entries(grads)) {
          const name = byId.get(id)!;
          const values = grad.dataSync();
          expect(values.every(Number.isFinite), `${name} finite`).toBe(true);
          expect(
            values.some((v) => v !== 0),
            `${name} non-zero`,
          ).toBe(true);
          const report = compareValues(values, expected.get(name)!.data as Float32Array);
          expect(report.violations, `${name}: max |Δ| ${report.maxAbsError}`).toBe(0);
          worst = Math.max(worst, report.maxAbsError);
        }
        gradientTable.push(`${backend.padEnd(6)}${entry.case.padEnd(28)}${worst.toExponential(2)}`);
        tf.dispose([value, ...Object.values(grads)]);
        disposeBatch(batch);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

describe('training mode', () => {
  it('dropout is off by default and on in training mode', async () => {
    await tf.setBackend('cpu');
    const golden = fixtures.goldenCase('sequence_classification');
    const { model } = fixtures.load('NezhaForSequenceClassification', 'sequence-classification');
    const batch = goldenBatch(golden.inputs, null);
    const logits = (options: { training?: boolean }) => {
      const output = model.forward(batch, options);
      const values = Array.from(output.logits!.dataSync());
      tf.dispose(output as unknown as tf.TensorContainer);
      return values;
    };
    const eval1 = logits({});
    expect(logits({})).toEqual(eval1);
    expect(logits({ training: false })).toEqual(eval1);
    const train1 = logits({ training: true });
    const train2 = logits({ training: true });
    expect(train1).not.toEqual(eval1);
    expect(train1).not.toEqual(train2);
    disposeBatch(batch);
    model.dispose();
  });

  it('runs sequences longer than max_position_embeddings (300 tokens, max 128) with finite outputs', async () => {
    await tf.setBackend('cpu');
    const config = fixtures.config('token-classification');
    expect(config.maxPositionEmbeddings).toBe(128);
    const { model } = fixtures.load('NezhaForTokenClassification', 'token-classification');
    const ids = Array.from({ length: 300 }, (_, i) => 100 + ((i * 37) % 5000));
    const output = model.forward(
      { inputIds: tf.tensor2d([ids], [1, 300], 'int32') },
      { outputAttentions: true },
    );
    expect(output.logits!.shape).toEqual([1, 300, 7]);
    expect(output.logits!.dataSync().every(Number.isFinite)).toBe(true);
    expect(output.attentions![1].shape).toEqual([1, 4, 300, 300]);
    tf.dispose(output as unknown as tf.TensorContainer);
    model.dispose();
  });

  it('a freshly initialised model trains: one SGD step lowers the loss', async () => {
    await tf.setBackend('cpu');
    const config = new NezhaConfig({
      vocab_size: 50,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_relative_position: 4,
      num_labels: 3,
      hidden_dropout_prob: 0,
      attention_probs_dropout_prob: 0,
      classifier_dropout: 0,
    });
    const model = createNezha('NezhaForTokenClassification', config, 1);
    const batch = {
      inputIds: tf.tensor2d([[1, 5, 7, 9, 2, 0]], [1, 6], 'int32'),
      attentionMask: tf.tensor2d([[1, 1, 1, 1, 1, 0]], [1, 6], 'int32'),
      labels: tf.tensor2d([[-100, 0, 1, 2, -100, -100]], [1, 6], 'int32'),
    };
    const optimizer = tf.train.sgd(0.5);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const loss = optimizer.minimize(() => model.forward(batch, { training: true }).loss!, true, [
        ...model.namedParameters().values(),
      ])!;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    expect(losses[2]).toBeLessThan(losses[0]);
    optimizer.dispose();
    disposeBatch(batch);
    model.dispose();
  });
});
