/**
 * The exported file as a file: ONNX's own schema (the committed descriptor is onnx.proto's), the model's
 * declared opset / inputs / dynamic axes, weights moved to external data past the threshold, and the same
 * bytes loading and agreeing in onnxruntime-node and onnxruntime-web (its WASM build, in Node).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptorModuleText, onnxDescriptorFromProto } from '../../scripts/generate-onnx-descriptor';
import { TinyFixtures } from '../../shared/nezha/fixtureReader';
import type { NezhaTaskModel } from '../../shared/nezha/heads';
import { compareValues } from '../../shared/nezha/goldenCase';
import { ONNX_PROTO_DESCRIPTOR } from '../../shared/onnx/onnxDescriptor';
import { decodeModel, exportLoadedNezha, NEZHA_ONNX_OPSET } from '../../shared/onnx';
import { createOrtSession, runNezhaSession, type NezhaOrtInputs } from './ortSession';
import { writeOnnxExport } from './writeOnnx';

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);
const inputs: NezhaOrtInputs = {
  shape: [2, 5],
  inputIds: [101, 2769, 4263, 102, 0, 101, 872, 1962, 3221, 102],
  attentionMask: [1, 1, 1, 1, 0, 1, 1, 1, 1, 1],
  tokenTypeIds: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1],
};
let model: NezhaTaskModel;
const folder = mkdtempSync(join(tmpdir(), 'nezha-onnx-'));

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  model = fixtures.load('NezhaForTokenClassification', 'token-classification').model;
});
afterAll(() => {
  model.dispose();
  rmSync(folder, { recursive: true, force: true });
});

describe('the ONNX file', () => {
  it('the committed descriptor is generated from the committed onnx.proto', () => {
    const proto = readFileSync(new URL('../../shared/onnx/onnx.proto', import.meta.url), 'utf8');
    expect(JSON.parse(JSON.stringify(ONNX_PROTO_DESCRIPTOR))).toEqual(onnxDescriptorFromProto(proto));
    expect(descriptorModuleText(ONNX_PROTO_DESCRIPTOR)).toContain('export const ONNX_PROTO_DESCRIPTOR');
  });

  it('declares opset 17, int64 inputs with symbolic batch / sequence axes and HF output names', () => {
    const exported = exportLoadedNezha(model, { externalDataName: 'x.data' });
    const decoded = decodeModel(exported.model) as {
      ir_version: number;
      opset_import: { domain?: string; version: number }[];
      graph: {
        input: {
          name: string;
          type: { tensor_type: { elem_type: number; shape: { dim: { dim_param?: string }[] } } };
        }[];
        output: { name: string }[];
        initializer: { name: string; dims: number[] }[];
        node: { op_type: string }[];
      };
      metadata_props: { key: string; value: string }[];
    };
    expect(decoded.opset_import).toEqual([{ domain: '', version: NEZHA_ONNX_OPSET }]);
    expect(NEZHA_ONNX_OPSET).toBeGreaterThanOrEqual(17);
    expect(decoded.graph.input.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    for (const input of decoded.graph.input) {
      expect(input.type.tensor_type.elem_type).toBe(7); // INT64
      expect(input.type.tensor_type.shape.dim.map((d) => d.dim_param)).toEqual(['batch', 'sequence']);
    }
    expect(decoded.graph.output.map((o) => o.name)).toEqual(['logits']);
    // The (2K+1) × d table, not a [max_pos, max_pos, d] buffer per layer.
    const config = fixtures.config('token-classification');
    const table = decoded.graph.initializer.find((i) => i.name === 'relative_positions.table');
    expect(table?.dims).toEqual([2 * config.maxRelativePosition + 1, config.attentionHeadSize]);
    expect(decoded.graph.initializer.some((i) => i.dims.length === 3)).toBe(false);
    expect(decoded.graph.node.some((n) => n.op_type === 'LayerNormalization')).toBe(true);
    expect(decoded.metadata_props.find((p) => p.key === 'nezha_class')?.value).toBe(
      'NezhaForTokenClassification',
    );
  });

  it('writes weights to external data past the threshold, and ORT loads it from the folder', async () => {
    const inline = exportLoadedNezha(model, { externalDataName: 'inline.onnx.data' });
    const external = exportLoadedNezha(model, {
      externalDataName: 'external.onnx.data',
      externalDataThreshold: 0,
    });
    expect(external.externalData).not.toBeNull();
    expect(external.model.byteLength).toBeLessThan(inline.model.byteLength / 10);
    const path = join(folder, 'external.onnx');
    await writeOnnxExport(external, path);
    expect(statSync(join(folder, 'external.onnx.data')).size).toBe(external.externalData!.bytes);
    const fromFile = await createOrtSession(path, { threads: 1 });
    const fromBytes = await createOrtSession(inline.model, { threads: 1 });
    const a = await runNezhaSession(fromFile, inputs);
    const b = await runNezhaSession(fromBytes, inputs);
    expect(Array.from(a.logits.data)).toEqual(Array.from(b.logits.data));
    await fromFile.release();
    await fromBytes.release();
  });

  it('loads in onnxruntime-web (WASM) and gives onnxruntime-node numbers at 1e-5', async () => {
    const exported = exportLoadedNezha(model, { externalDataName: 'x.data' });
    const path = join(folder, 'web.onnx');
    writeFileSync(path, exported.model);
    ortWeb.env.wasm.numThreads = 1;
    const web = await ortWeb.InferenceSession.create(new Uint8Array(readFileSync(path)), {
      executionProviders: ['wasm'],
    });
    const dims = [...inputs.shape];
    const feed = (values: ArrayLike<number>) =>
      new ortWeb.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);
    const result = await web.run({
      input_ids: feed(inputs.inputIds),
      attention_mask: feed(inputs.attentionMask),
      token_type_ids: feed(inputs.tokenTypeIds),
    });
    const node = await createOrtSession(path, { threads: 1 });
    const reference = await runNezhaSession(node, inputs);
    expect(result.logits.dims).toEqual(reference.logits.shape);
    const report = compareValues(result.logits.data as Float32Array, reference.logits.data, 1e-5, 1e-5);
    expect(report.violations, `max |Δ| ${report.maxAbsError}`).toBe(0);
    await web.release();
    await node.release();
  });
});
