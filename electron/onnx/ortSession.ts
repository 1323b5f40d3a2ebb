/**
 * onnxruntime-node, the Node-side engine for exported NEZHA graphs (shared/onnx): a session on the CPU
 * provider with every core, a run over the pipelines' ModelBatch (int32 → int64), and the ModelRunner the
 * benchmark runner and the CLI take — the same seam shared/benchmark's tfjsModelRunner implements, so
 * tokenization, batching and decoding are the same code whichever engine ran.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { Logits, ModelBatch, ModelOutputs, ModelRunner } from '../../shared/pipelines/modelRunner';

export interface OrtSessionOptions {
  /** Intra-op threads; default every core (os.availableParallelism()). */
  threads?: number;
}

/** A session over an .onnx file (external data resolved next to it) or the model's bytes. */
export async function createOrtSession(
  model: string | Uint8Array,
  options: OrtSessionOptions = {},
): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
  };
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const where = typeof model === 'string' ? model : `${model.byteLength} bytes of ONNX`;
    throw new Error(`onnxruntime-node could not load ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface NezhaOrtInputs {
  shape: readonly number[];
  inputIds: ArrayLike<number>;
  attentionMask: ArrayLike<number>;
  tokenTypeIds: ArrayLike<number>;
}

function int64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/** One forward pass: every output of the graph by its (HF) name, as float32. */
export async function runNezhaSession(
  session: ort.InferenceSession,
  inputs: NezhaOrtInputs,
): Promise<Record<string, Logits>> {
  const dims = [...inputs.shape];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', int64(inputs.inputIds), dims),
    attention_mask: new ort.Tensor('int64', int64(inputs.attentionMask), dims),
    token_type_ids: new ort.Tensor('int64', int64(inputs.tokenTypeIds), dims),
  };
  const results = await session.run(feeds);
  const out: Record<string, Logits> = {};
  for (const [name, tensor] of Object.entries(results)) {
    out[name] = { data: tensor.data as Float32Array, shape: tensor.dims.map(Number) };
    tensor.dispose();
  }
  for (const feed of Object.values(feeds)) feed.dispose();
  return out;
}

/** HF output name → the pipelines' field. */
const RUNNER_FIELDS: Readonly<Record<string, keyof ModelOutputs>> = {
  logits: 'logits',
  start_logits: 'startLogits',
  end_logits: 'endLogits',
};

/** The shared/pipelines seam over an ORT session of an exported head (logits / start / end logits). */
export function ortModelRunner(session: ort.InferenceSession): ModelRunner {
  return {
    async run(batch: ModelBatch): Promise<ModelOutputs> {
      const shape = batch.numChoices
        ? [batch.batchSize, batch.numChoices, batch.sequenceLength]
        : [batch.batchSize, batch.sequenceLength];
      const outputs = await runNezhaSession(session, { shape, ...batch });
      const result: ModelOutputs = {};
      for (const [name, logits] of Object.entries(outputs)) {
        const field = RUNNER_FIELDS[name];
        if (field !== undefined) result[field] = logits;
      }
      return result;
    },
  };
}
