/**
 * Benchmark section "training step": one training step of a NEZHA-base-sized token classifier
 * (hidden 768, 12 layers, 12 heads, intermediate 3072, vocab 21128; sequence 128) on the tfjs
 * WASM backend in Node, against a reference measured in the same run: one inference forward pass
 * of the same model on the same batch. The step is forward + backward (tf.variableGrads with
 * dropout on), clip_grad_norm_ and one AdamW update of all ~102M parameters.
 *
 * Run alone: `npx tsx scripts/bench/training.ts [--batch N] [--seq N] [--repeats N] [--layers N]`.
 * The defaults (batch 2, seq 128, 1 timed repeat after a warm-up) are meant to take minutes on 2 cores.
 *
 * Figures and their history: docs/BENCHMARKS.md, "training step". Batch 2 × 128 peaks at ~3.2-3.5 GB
 * of the 4 GiB wasm32 heap; larger batches need gradient accumulation on WASM.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { registerTfjsGradientsForNode, useNodeBackend } from '../../electron/cli/commands/train';
import { NezhaConfig } from '../../shared/nezha/config';
import { createNezha } from '../../shared/nezha/weights';
import { clipGradNorm, DEFAULT_OPTIMIZER_SETTINGS, NamedOptimizer } from '../../shared/training';

export interface TrainingStepBenchResult {
  batch: number;
  sequence: number;
  layers: number;
  parameters: number;
  forwardMs: number;
  forwardBackwardMs: number;
  optimizerMs: number;
  stepMs: number;
  /** stepMs / forwardMs. */
  ratio: number;
  /** The WASM heap's size at the end (it only grows): the run's memory high-water mark. */
  wasmHeapMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runTrainingStepBench(
  options: { batch?: number; sequence?: number; repeats?: number; layers?: number } = {},
): Promise<TrainingStepBenchResult> {
  const batch = options.batch ?? 2;
  const sequence = options.sequence ?? 128;
  const repeats = options.repeats ?? 1;
  const layers = options.layers ?? 12;
  await registerTfjsGradientsForNode();
  await useNodeBackend('wasm');
  const config = new NezhaConfig({
    vocab_size: 21128,
    hidden_size: 768,
    num_hidden_layers: layers,
    num_attention_heads: 12,
    intermediate_size: 3072,
    max_position_embeddings: 512,
    max_relative_position: 64,
    num_labels: 7,
  });
  const model = createNezha('NezhaForTokenClassification', config, 1);
  const parameters = model.namedParameters();
  const names = new Map([...parameters].map(([name, v]) => [v.name, name]));
  const count = [...parameters.values()].reduce((n, v) => n + v.size, 0);
  const ids = Array.from({ length: batch * sequence }, (_, i) => 672 + ((i * 7919) % 20000));
  const inputs = {
    inputIds: tf.tensor2d(ids, [batch, sequence], 'int32'),
    labels: tf.tensor2d(
      ids.map((id) => id % 7),
      [batch, sequence],
      'int32',
    ),
  };
  const optimizer = new NamedOptimizer({ ...DEFAULT_OPTIMIZER_SETTINGS, learningRate: 1e-5 });
  const forward: number[] = [];
  const backward: number[] = [];
  const update: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    let t = performance.now();
    const output = model.forward({ inputIds: inputs.inputIds });
    await output.logits!.data();
    tf.dispose(output as unknown as tf.TensorContainer);
    const forwardMs = performance.now() - t;

    t = performance.now();
    const { value, grads } = tf.variableGrads(
      () => model.forward(inputs, { training: true }).loss!,
      [...parameters.values()],
    );
    await value.data();
    const named = new Map(Object.entries(grads).map(([id, g]) => [names.get(id)!, g]));
    await named.values().next().value!.data();
    const backwardMs = performance.now() - t;

    t = performance.now();
    const clipped = clipGradNorm(named, 1.0);
    optimizer.apply(parameters, clipped.grads, 1e-5);
    await parameters.values().next().value!.data();
    tf.dispose([value, ...clipped.grads.values()]);
    const updateMs = performance.now() - t;
    if (r > 0) {
      // r = 0 warms up (kernel compilation, memory growth).
      forward.push(forwardMs);
      backward.push(backwardMs);
      update.push(updateMs);
    }
  }
  const wasmHeapMb =
    (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength / 2 ** 20;
  optimizer.dispose();
  model.dispose();
  tf.dispose([inputs.inputIds, inputs.labels]);
  const forwardMs = median(forward);
  const forwardBackwardMs = median(backward);
  const optimizerMs = median(update);
  const stepMs = forwardBackwardMs + optimizerMs;
  return {
    batch,
    sequence,
    layers,
    parameters: count,
    forwardMs,
    forwardBackwardMs,
    optimizerMs,
    stepMs,
    ratio: stepMs / forwardMs,
    wasmHeapMb,
  };
}

export const trainingStepBenchSection = {
  name: 'training step',
  summary:
    'one AdamW training step of a NEZHA-base-sized model (768 × 12 layers, seq 128) on WASM, vs one forward pass',
  run: runTrainingStepBench,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      batch: { type: 'string', default: '2' },
      seq: { type: 'string', default: '128' },
      repeats: { type: 'string', default: '1' },
      layers: { type: 'string', default: '12' },
    },
  });
  const result = await runTrainingStepBench({
    batch: Number(values.batch),
    sequence: Number(values.seq),
    repeats: Number(values.repeats),
    layers: Number(values.layers),
  });
  console.log(JSON.stringify(result, null, 2));
}
