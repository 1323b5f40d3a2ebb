/**
 * The exported ONNX graph of every NEZHA class on onnxruntime-node against HF's own goldens
 * (fixtures/nezha-tiny) at atol = rtol = 1e-5, from safetensors and from pytorch_model.bin; then against the
 * tfjs implementation on a sequence longer than max_position_embeddings and over dynamic batch / length.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPytorchBin } from '../../shared/checkpoint/pytorchBin';
import { bytesRangeReader } from '../../shared/checkpoint/source';
import { GOLDEN_CASES, TinyFixtures } from '../../shared/nezha/fixtureReader';
import { compareValues, flattenGoldenData, type GoldenTensor } from '../../shared/nezha/goldenCase';
import {
  HF_OUTPUT_NAMES,
  type NezhaClassName,
  type NezhaTaskModel,
  type NezhaTaskOutput,
} from '../../shared/nezha/heads';
import { loadNezha } from '../../shared/nezha/weights';
import { exportLoadedNezha, ONNX_OUTPUTS } from '../../shared/onnx';
import { createOrtSession, runNezhaSession, type NezhaOrtInputs } from './ortSession';

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);
const TOLERANCE = 1e-5;
const errors = new Map<string, number>();

interface Summary {
  stored: 'summary';
  shape: number[];
  columns: { vocab_ids: number[]; values: GoldenTensor };
  full_rows: { batch: number; position: number; values: GoldenTensor }[];
  checksum: { sum: number; sum_abs: number; sum_sq: number; count: number };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): number {
  const report = compareValues(actual, expected, TOLERANCE, TOLERANCE);
  if (report.violations > 0) {
    const i = report.firstViolation;
    expect.fail(
      `${what}: ${report.violations} of ${expected.length} values off by more than 1e-5 (first at ${i}: got ${actual[i]}, expected ${expected[i]}; max |Δ| ${report.maxAbsError})`,
    );
  }
  return report.maxAbsError;
}

/** Vocab-sized logits stored as a summary: columns, full rows and checksums. */
function compareSummary(values: Float32Array, summary: Summary, what: string): number {
  const [batch, length, vocab] = summary.shape;
  const ids = summary.columns.vocab_ids;
  const columns = new Float32Array(batch * length * ids.length);
  for (let r = 0; r < batch * length; r++)
    for (let c = 0; c < ids.length; c++) columns[r * ids.length + c] = values[r * vocab + ids[c]];
  let max = expectClose(columns, flattenGoldenData(summary.columns.values, what), `${what} columns`);
  for (const row of summary.full_rows) {
    const offset = (row.batch * length + row.position) * vocab;
    max = Math.max(
      max,
      expectClose(
        values.subarray(offset, offset + vocab),
        flattenGoldenData(row.values, what),
        `${what} row`,
      ),
    );
  }
  let sum = 0;
  let sumAbs = 0;
  for (const x of values) {
    sum += x;
    sumAbs += Math.abs(x);
  }
  expect(values.length).toBe(summary.checksum.count);
  expect(Math.abs(sum - summary.checksum.sum)).toBeLessThanOrEqual(
    1e-5 * Math.abs(summary.checksum.sum) + 1e-3,
  );
  expect(Math.abs(sumAbs - summary.checksum.sum_abs)).toBeLessThanOrEqual(1e-5 * summary.checksum.sum_abs);
  return max;
}

function goldenInputs(inputs: Record<string, GoldenTensor>): NezhaOrtInputs {
  const ids = inputs.input_ids;
  const flat = (name: string, fill: number) =>
    inputs[name] === undefined
      ? new Array<number>(flattenGoldenData(ids, name).length).fill(fill) // HF's defaults (FACTS §3)
      : flattenGoldenData(inputs[name], name);
  return {
    shape: ids.shape,
    inputIds: flattenGoldenData(ids, 'input_ids'),
    attentionMask: flat('attention_mask', 1),
    tokenTypeIds: flat('token_type_ids', 0),
  };
}

async function sessionOf(model: NezhaTaskModel): Promise<ort.InferenceSession> {
  const exported = exportLoadedNezha(model, { externalDataName: 'unused.data' });
  expect(exported.externalData).toBeNull();
  expect(exported.outputs).toEqual(ONNX_OUTPUTS[model.className]);
  return createOrtSession(exported.model, { threads: 2 });
}

async function checkGolden(name: string, model: NezhaTaskModel, label: string): Promise<void> {
  const golden = fixtures.goldenCase(name);
  const session = await sessionOf(model);
  const outputs = await runNezhaSession(session, goldenInputs(golden.inputs));
  await session.release();
  let max = 0;
  for (const output of ONNX_OUTPUTS[model.className]) {
    const expected = golden.outputs[output] as GoldenTensor | Summary;
    const actual = outputs[output];
    expect(actual, `${name}: ONNX output ${output}`).toBeDefined();
    expect(actual.shape, `${name} ${output} shape`).toEqual(expected.shape);
    max = Math.max(
      max,
      (expected as Summary).stored === 'summary'
        ? compareSummary(actual.data as Float32Array, expected as Summary, `${name} ${output}`)
        : expectClose(actual.data, flattenGoldenData(expected as GoldenTensor, output), `${name} ${output}`),
    );
  }
  errors.set(`${name}${label}`, max);
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('exported ONNX on onnxruntime-node equals HF goldens at 1e-5', () => {
  for (const name of GOLDEN_CASES) {
    it(`${name} (model.safetensors)`, async () => {
      const golden = fixtures.goldenCase(name);
      const { model } = fixtures.load(golden.model_class, golden.checkpoint);
      try {
        await checkGolden(name, model, '');
      } finally {
        model.dispose();
      }
    });
  }

  const binCases = GOLDEN_CASES.filter((name) =>
    existsSync(fixtures.path(fixtures.goldenCase(name).checkpoint, 'pytorch_model.bin')),
  );
  it('has .bin cases', () => expect(binCases.length).toBeGreaterThanOrEqual(4));
  for (const name of binCases) {
    it(`${name} (pytorch_model.bin)`, async () => {
      const golden = fixtures.goldenCase(name);
      const bytes = new Uint8Array(readFileSync(fixtures.path(golden.checkpoint, 'pytorch_model.bin')));
      const state = await readPytorchBin(bytesRangeReader(bytes, `${golden.checkpoint}/pytorch_model.bin`));
      const { model, missingKeys } = loadNezha(golden.model_class, fixtures.config(golden.checkpoint), state);
      expect(missingKeys).toEqual([]);
      try {
        await checkGolden(name, model, ' (.bin)');
      } finally {
        model.dispose();
      }
    });
  }
});

/** Deterministic pseudo-random inputs: ids in [1, 2000), a padded tail on odd rows, both segments used. */
function syntheticInputs(shape: number[]): NezhaOrtInputs {
  const size = shape.reduce((a, b) => a * b, 1);
  const length = shape[shape.length - 1];
  const inputIds: number[] = [];
  const attentionMask: number[] = [];
  const tokenTypeIds: number[] = [];
  let state = 12345;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const row = Math.floor(i / length);
    const position = i % length;
    const padded = row % 2 === 1 && length > 1 && position >= length - Math.ceil(length / 4);
    inputIds.push(padded ? 0 : 1 + (state % 1999));
    attentionMask.push(padded ? 0 : 1);
    tokenTypeIds.push(position >= length / 2 ? 1 : 0);
  }
  return { shape, inputIds, attentionMask, tokenTypeIds };
}

function tfjsOutputs(model: NezhaTaskModel, inputs: NezhaOrtInputs): Record<string, Float32Array> {
  const tensor = (values: ArrayLike<number>) => tf.tensor(Array.from(values), [...inputs.shape], 'int32');
  const batch = {
    inputIds: tensor(inputs.inputIds),
    attentionMask: tensor(inputs.attentionMask),
    tokenTypeIds: tensor(inputs.tokenTypeIds),
  };
  const out = model.forward(batch);
  const result: Record<string, Float32Array> = {};
  for (const [field, hfName] of Object.entries(HF_OUTPUT_NAMES)) {
    const value = out[field as keyof NezhaTaskOutput];
    if (value instanceof tf.Tensor && ONNX_OUTPUTS[model.className].includes(hfName))
      result[hfName] = value.dataSync() as Float32Array;
  }
  tf.dispose([out as unknown as tf.TensorContainer, batch]);
  return result;
}

async function expectSameAsTfjs(
  className: NezhaClassName,
  folder: string,
  shapes: number[][],
): Promise<void> {
  const { model } = fixtures.load(className, folder);
  const session = await sessionOf(model);
  try {
    for (const shape of shapes) {
      const inputs = syntheticInputs(shape);
      const ours = await runNezhaSession(session, inputs);
      const reference = tfjsOutputs(model, inputs);
      expect(Object.keys(reference).sort()).toEqual([...ONNX_OUTPUTS[className]].sort());
      for (const [name, values] of Object.entries(reference)) {
        expectClose(ours[name].data, values, `${className} ${name} at [${shape.join(', ')}]`);
      }
    }
  } finally {
    await session.release();
    model.dispose();
  }
}

describe('exported ONNX against tfjs: any sequence length, dynamic axes', () => {
  it('runs a sequence longer than max_position_embeddings (300 > 128) and equals tfjs', async () => {
    expect(fixtures.config('token-classification').maxPositionEmbeddings).toBeLessThan(300);
    await expectSameAsTfjs('NezhaForTokenClassification', 'token-classification', [[2, 300]]);
  });

  it('batch 1, 3, 8 × lengths 1, 37, 300 equal tfjs at 1e-5 (one graph, no re-export)', async () => {
    const shapes = [1, 3, 8].flatMap((batch) => [1, 37, 300].map((length) => [batch, length]));
    await expectSameAsTfjs('NezhaModel', 'base', shapes);
  }, 120_000);

  it('multiple choice takes [batch, choices, sequence] with every axis dynamic', async () => {
    await expectSameAsTfjs('NezhaForMultipleChoice', 'multiple-choice', [
      [1, 2, 7],
      [3, 4, 37],
    ]);
  });

  it('question answering and pretraining outputs follow tfjs at a length past the position table', async () => {
    await expectSameAsTfjs('NezhaForQuestionAnswering', 'question-answering', [[3, 150]]);
    await expectSameAsTfjs('NezhaForPreTraining', 'pretraining', [[2, 140]]);
  });
});

afterAll(() => {
  if (errors.size === 0) return;
  const lines = ['max |Δ| of the ONNX graph on onnxruntime-node against HF goldens'];
  for (const [name, error] of errors) lines.push(`${name.padEnd(44)}${error.toExponential(2)}`);
  console.log(lines.join('\n'));
});
