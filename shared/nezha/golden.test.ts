import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPytorchBin } from '../checkpoint/pytorchBin';
import { bytesRangeReader } from '../checkpoint/source';
import type { StateDict } from '../checkpoint/types';
import { GOLDEN_CASES, TinyFixtures } from './fixtureReader';
import { loadNezha } from './weights';
import type { GoldenTensor } from './goldenCase';
import { compareValues, disposeBatch, flattenGoldenData, goldenBatch } from './goldenCase';
import type { NezhaTaskOutput } from './heads';
import { HF_OUTPUT_NAMES, OUTPUT_ORDER, type NezhaClassName } from './heads';

/*
 * Every golden case of fixtures/nezha-tiny, produced by HF transformers v4.35.2 itself: load the
 * case's class from its checkpoint folder, run it on the case's inputs and labels with hidden states
 * and attentions on, and compare every output at atol = rtol = 1e-5, on the CPU and WASM backends.
 */

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);
setWasmPaths(
  fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
);

const TOLERANCE = 1e-5;
const errorTable: { backend: string; golden: string; output: string; maxAbsError: number }[] = [];

interface Summary {
  stored: 'summary';
  shape: number[];
  columns: { vocab_ids: number[]; values: GoldenTensor };
  full_rows: { batch: number; position: number; values: GoldenTensor }[];
  topk: { k: number; indices: GoldenTensor; values: GoldenTensor };
  checksum: { sum: number; sum_abs: number; sum_sq: number; weighted_sum: number; count: number };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): number {
  const report = compareValues(actual, expected, TOLERANCE, TOLERANCE);
  if (report.violations > 0) {
    const i = report.firstViolation;
    expect.fail(
      `${what}: ${report.violations} of ${expected.length} values off by more than 1e-5 (first at flat index ${i}: got ${actual[i]}, expected ${expected[i]}; max |Δ| ${report.maxAbsError})`,
    );
  }
  return report.maxAbsError;
}

function compareTensor(actual: tf.Tensor, golden: GoldenTensor, what: string): number {
  expect(actual.shape, `${what} shape`).toEqual(golden.shape);
  return expectClose(actual.dataSync(), Float32Array.from(flattenGoldenData(golden, what)), what);
}

/** Vocab-sized logits stored as a summary: columns, full rows, top-k and checksums. */
function compareSummary(actual: tf.Tensor, summary: Summary, what: string): number {
  expect(actual.shape, `${what} shape`).toEqual(summary.shape);
  const [batch, length, vocab] = summary.shape;
  const values = actual.dataSync();
  let maxError = 0;
  const ids = summary.columns.vocab_ids;
  const columns = new Float32Array(batch * length * ids.length);
  for (let r = 0; r < batch * length; r++) {
    for (let c = 0; c < ids.length; c++) columns[r * ids.length + c] = values[r * vocab + ids[c]];
  }
  maxError = Math.max(
    maxError,
    expectClose(columns, flattenGoldenData(summary.columns.values, what), `${what} columns`),
  );
  for (const row of summary.full_rows) {
    const offset = (row.batch * length + row.position) * vocab;
    maxError = Math.max(
      maxError,
      expectClose(
        values.subarray(offset, offset + vocab),
        flattenGoldenData(row.values, what),
        `${what} row (${row.batch}, ${row.position})`,
      ),
    );
  }
  // Top-k: our values at HF's top-k indices, and our own k largest values, both match HF's values.
  const k = summary.topk.k;
  const topIndices = flattenGoldenData(summary.topk.indices, what);
  const topValues = flattenGoldenData(summary.topk.values, what);
  const atIndices = new Float32Array(topIndices.length);
  const ownTop = new Float32Array(topIndices.length);
  for (let r = 0; r < batch * length; r++) {
    const row = values.subarray(r * vocab, (r + 1) * vocab);
    for (let t = 0; t < k; t++) atIndices[r * k + t] = row[topIndices[r * k + t]];
    const sorted = Float32Array.from(row).sort().reverse();
    ownTop.set(sorted.subarray(0, k), r * k);
  }
  maxError = Math.max(maxError, expectClose(atIndices, topValues, `${what} at HF's top-${k} indices`));
  maxError = Math.max(maxError, expectClose(ownTop, topValues, `${what} own top-${k} values`));
  // Checksums in float64, relative tolerance 1e-5.
  let sum = 0;
  let sumAbs = 0;
  let sumSq = 0;
  let weighted = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    sum += x;
    sumAbs += Math.abs(x);
    sumSq += x * x;
    weighted += (x * (((i % vocab) % 97) + 1)) / 97;
  }
  const checksum = summary.checksum;
  expect(values.length).toBe(checksum.count);
  for (const [name, ours, theirs] of [
    ['sum', sum, checksum.sum],
    ['sum_abs', sumAbs, checksum.sum_abs],
    ['sum_sq', sumSq, checksum.sum_sq],
    ['weighted_sum', weighted, checksum.weighted_sum],
  ] as const) {
    expect(Math.abs(ours - theirs), `${what} checksum ${name}: ${ours} vs ${theirs}`).toBeLessThanOrEqual(
      1e-5 * Math.abs(theirs),
    );
  }
  return maxError;
}

function compareOutputs(
  backend: string,
  name: string,
  className: NezhaClassName,
  output: NezhaTaskOutput,
  expected: Record<string, unknown>,
): void {
  const fields = OUTPUT_ORDER[className].filter((field) => HF_OUTPUT_NAMES[field] in expected);
  expect(fields.map((field) => HF_OUTPUT_NAMES[field])).toEqual(Object.keys(expected));
  for (const field of fields) {
    const hfName = HF_OUTPUT_NAMES[field];
    const golden = expected[hfName];
    const ours = output[field];
    expect(ours, `${name}: output ${hfName} missing`).toBeDefined();
    let maxError = 0;
    if (Array.isArray(golden)) {
      const list = ours as tf.Tensor[];
      expect(list.length, `${hfName} length`).toBe(golden.length);
      golden.forEach((item: GoldenTensor, i) => {
        maxError = Math.max(maxError, compareTensor(list[i], item, `${name} ${hfName}[${i}]`));
      });
    } else if ((golden as Summary).stored === 'summary') {
      maxError = compareSummary(ours as tf.Tensor, golden as Summary, `${name} ${hfName}`);
    } else {
      maxError = compareTensor(ours as tf.Tensor, golden as GoldenTensor, `${name} ${hfName}`);
    }
    errorTable.push({ backend, golden: name, output: hfName, maxAbsError: maxError });
  }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`NEZHA goldens on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    for (const name of GOLDEN_CASES) {
      it(`${name} matches HF at 1e-5`, () => {
        const golden = fixtures.goldenCase(name);
        const className = golden.model_class as NezhaClassName;
        const before = tf.memory().numTensors;
        const { model, unexpectedKeys, missingKeys } = fixtures.load(className, golden.checkpoint);
        const loadingInfo = golden.loading_info as { unexpected_keys_ignored: string[] };
        expect(missingKeys).toEqual([]);
        expect([...unexpectedKeys].sort()).toEqual([...loadingInfo.unexpected_keys_ignored].sort());
        const batch = goldenBatch(golden.inputs, golden.labels, name);
        const output = model.forward(batch, { outputHiddenStates: true, outputAttentions: true });
        compareOutputs(backend, name, className, output, golden.outputs);
        tf.dispose(output as unknown as tf.TensorContainer);

        for (const extra of (golden.extra_cases as
          { labels: Record<string, GoldenTensor>; outputs: { loss: GoldenTensor } }[] | undefined) ?? []) {
          const extraBatch = goldenBatch(golden.inputs, extra.labels, `${name} extra case`);
          const extraOutput = model.forward(extraBatch);
          compareOutputs(
            backend,
            `${name} (extra case)`,
            className,
            { loss: extraOutput.loss },
            { loss: extra.outputs.loss },
          );
          tf.dispose(extraOutput as unknown as tf.TensorContainer);
          disposeBatch(extraBatch);
        }
        disposeBatch(batch);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

/*
 * The same goldens from pytorch_model.bin (torch zip + restricted unpickler), for every case whose
 * checkpoint folder ships one (pretraining/ and sequence-classification/ in the fixture set).
 */
const binStates = new Map<string, StateDict>();
async function binStateDict(folder: string): Promise<StateDict> {
  let state = binStates.get(folder);
  if (!state) {
    const bytes = new Uint8Array(readFileSync(fixtures.path(folder, 'pytorch_model.bin')));
    state = await readPytorchBin(bytesRangeReader(bytes, `${folder}/pytorch_model.bin`));
    binStates.set(folder, state);
  }
  return state;
}
const binCases = GOLDEN_CASES.filter((name) =>
  existsSync(fixtures.path(fixtures.goldenCase(name).checkpoint, 'pytorch_model.bin')),
);

for (const backend of ['cpu', 'wasm']) {
  describe(`NEZHA goldens from pytorch_model.bin on the ${backend} backend`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    it('covers the cases whose folder ships a .bin', () => {
      expect(binCases).toEqual(
        expect.arrayContaining(['pretraining', 'masked_lm', 'next_sentence', 'sequence_classification']),
      );
    });

    for (const name of binCases) {
      it(`${name} from pytorch_model.bin matches HF at 1e-5`, async () => {
        const golden = fixtures.goldenCase(name);
        const className = golden.model_class as NezhaClassName;
        const before = tf.memory().numTensors;
        const state = await binStateDict(golden.checkpoint);
        const { model, missingKeys } = loadNezha(className, fixtures.config(golden.checkpoint), state);
        expect(missingKeys).toEqual([]);
        const batch = goldenBatch(golden.inputs, golden.labels, name);
        const output = model.forward(batch, { outputHiddenStates: true, outputAttentions: true });
        compareOutputs(`${backend} (.bin)`, name, className, output, golden.outputs);
        tf.dispose(output as unknown as tf.TensorContainer);
        disposeBatch(batch);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

afterAll(() => {
  const rows = new Map<string, Record<string, number>>();
  for (const entry of errorTable) {
    const row = rows.get(entry.golden) ?? {};
    row[entry.backend] = Math.max(row[entry.backend] ?? 0, entry.maxAbsError);
    rows.set(entry.golden, row);
  }
  const lines = [
    'max |Δ| against HF goldens (all outputs of the case)',
    'golden'.padEnd(36) + 'cpu'.padEnd(12) + 'wasm',
  ];
  for (const [golden, row] of rows) {
    lines.push(
      golden.padEnd(36) + (row.cpu?.toExponential(2) ?? '-').padEnd(12) + (row.wasm?.toExponential(2) ?? '-'),
    );
  }
  console.log(lines.join('\n'));
});
