/**
 * A ModelRunner over a loaded NEZHA head on whatever tfjs backend is active (webgpu / wasm in the worker,
 * cpu / wasm in the CLI). Reads results with the async `data()` so a GPU backend does not block.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NezhaTaskModel, NezhaTaskOutput } from '../nezha/heads';
import type { ModelBatch, ModelOutputs, ModelRunner } from '../pipelines/modelRunner';

/** Which of a head's outputs a runner hands on, under the names shared/pipelines reads. */
export type OutputPicker = (out: NezhaTaskOutput) => Partial<Record<keyof ModelOutputs, tf.Tensor>>;

/** logits, startLogits and endLogits, where the head has them (every benchmark task). */
const headLogits: OutputPicker = (out) => ({
  logits: out.logits,
  startLogits: out.startLogits,
  endLogits: out.endLogits,
});

/**
 * The shared/pipelines seam over a loaded model: ids in, the picked outputs out as typed arrays.
 * Used by the benchmark runner, the CLI and the inference worker.
 */
export function tfjsModelRunner(model: NezhaTaskModel, pick: OutputPicker = headLogits): ModelRunner {
  return {
    async run(batch: ModelBatch): Promise<ModelOutputs> {
      const shape = batch.numChoices
        ? [batch.batchSize, batch.numChoices, batch.sequenceLength]
        : [batch.batchSize, batch.sequenceLength];
      const picked = tf.tidy(() => {
        const out = model.forward({
          inputIds: tf.tensor(batch.inputIds, shape, 'int32'),
          attentionMask: tf.tensor(batch.attentionMask, shape, 'int32'),
          tokenTypeIds: tf.tensor(batch.tokenTypeIds, shape, 'int32'),
        });
        const kept: Record<string, tf.Tensor> = {};
        for (const [name, tensor] of Object.entries(pick(out))) if (tensor) kept[name] = tensor;
        return kept;
      });
      try {
        const result: ModelOutputs = {};
        for (const [name, tensor] of Object.entries(picked)) {
          // data() rather than dataSync(): on WebGPU the read is asynchronous and must not block.
          result[name as keyof ModelOutputs] = {
            data: (await tensor.data()) as Float32Array,
            shape: [...tensor.shape],
          };
        }
        // On CPU and WASM data() resolves without a task boundary; give a worker's message loop a
        // turn so a `cancel` sent meanwhile is seen before the next batch.
        await new Promise((resolve) => setTimeout(resolve, 0));
        return result;
      } finally {
        tf.dispose(Object.values(picked));
      }
    },
  };
}
