/**
 * A ModelRunner over a loaded NEZHA head on whatever tfjs backend is active (webgpu / wasm in the worker,
 * cpu / wasm in the CLI). Reads results with the async `data()` so a GPU backend does not block.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NezhaTaskModel } from '../nezha/heads';
import type { Logits, ModelBatch, ModelOutputs, ModelRunner } from '../pipelines/modelRunner';

export function tfjsModelRunner(model: NezhaTaskModel): ModelRunner {
  return {
    async run(batch: ModelBatch): Promise<ModelOutputs> {
      const shape = batch.numChoices
        ? [batch.batchSize, batch.numChoices, batch.sequenceLength]
        : [batch.batchSize, batch.sequenceLength];
      const outputs = tf.tidy(() => {
        const out = model.forward({
          inputIds: tf.tensor(batch.inputIds, shape, 'int32'),
          attentionMask: tf.tensor(batch.attentionMask, shape, 'int32'),
          tokenTypeIds: tf.tensor(batch.tokenTypeIds, shape, 'int32'),
        });
        const kept: Partial<Record<'logits' | 'startLogits' | 'endLogits', tf.Tensor>> = {};
        if (out.logits) kept.logits = out.logits;
        if (out.startLogits) kept.startLogits = out.startLogits;
        if (out.endLogits) kept.endLogits = out.endLogits;
        return kept as Record<string, tf.Tensor>;
      });
      try {
        const result: ModelOutputs = {};
        for (const [name, tensor] of Object.entries(outputs)) {
          const logits: Logits = { data: (await tensor.data()) as Float32Array, shape: [...tensor.shape] };
          result[name as keyof ModelOutputs] = logits;
        }
        return result;
      } finally {
        tf.dispose(Object.values(outputs));
      }
    },
  };
}
