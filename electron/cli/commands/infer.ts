/**
 * `infer --checkpoint DIR --case CASE.json --out OUT.json [--backend auto|onnx|cpu|wasm]`
 *
 * Loads the NEZHA class named by a golden case file's `model_class` (schema `nezha-golden/1`) from
 * an HF checkpoint folder, runs it on the case's `inputs` and `labels` with hidden states and
 * attentions on, and writes every output the case lists under HF's names, as full
 * {dtype, shape, data} tensors (vocab-sized logits included) and `loss` as a scalar, so the file can
 * be compared with the golden field by field. With --backend onnx the checkpoint's cached ONNX export runs on
 * onnxruntime-node, which gives the graph's outputs (logits, start/end logits, last_hidden_state,
 * pooler_output, ...) and not the loss, hidden states or attentions.
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../../../shared/checkpoint/errors';
import { loadCheckpointFolder } from '../../../shared/checkpoint/folder';
import {
  disposeBatch,
  flattenGoldenData,
  goldenBatch,
  GoldenCaseError,
  HF_OUTPUT_NAMES,
  loadNezha,
  NEZHA_CLASS_NAMES,
  NezhaConfig,
  NezhaConfigError,
  NezhaWeightsError,
  OUTPUT_ORDER,
  outputToGoldenJson,
  parseGoldenCase,
  type NezhaClassName,
  type NezhaTaskOutput,
} from '../../../shared/nezha';
import { fsCheckpointSource } from '../../services/fsCheckpointSource';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';
import { hashCheckpointWeights } from '../../../shared/benchmark/hash';
import { ONNX_OUTPUTS } from '../../../shared/onnx';
import { openCachedOnnxSession } from '../../onnx/cachedSession';
import { ensureTfjsBackend } from '../../onnx/exportCheckpoint';
import { runNezhaSession } from '../../onnx/ortSession';
import { parseEngineChoice, startNodeEngine } from '../nodeBackend';

/** Turns the model's and the readers' errors into one line naming the file and the problem. */
function asCliError(error: unknown, checkpoint: string): never {
  if (error instanceof CliError) throw error;
  if (error instanceof CheckpointError || error instanceof GoldenCaseError) {
    throw new CliError(`infer: ${error.message}`, { cause: error });
  }
  if (error instanceof NezhaConfigError || error instanceof NezhaWeightsError) {
    throw new CliError(`infer: ${checkpoint}: ${error.message}`, { cause: error });
  }
  throw error;
}

async function writeInferOutput(
  path: string,
  caseName: string,
  className: NezhaClassName,
  backend: string,
  outputsJson: string,
): Promise<void> {
  const text = `{"schema":"nezha-infer/1","case":${JSON.stringify(caseName)},"model_class":${JSON.stringify(className)},"backend":${JSON.stringify(backend)},"outputs":${outputsJson}}\n`;
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new CliError(`infer: cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export const command: Command = {
  name: 'infer',
  summary: 'run a NEZHA model from an HF folder on a golden case file and write its outputs',
  usage: [
    'infer --checkpoint DIR --case CASE.json --out OUT.json [--backend auto|onnx|cpu|wasm]',
    '',
    "Loads the case's model_class (NezhaModel, NezhaForMaskedLM, ...) from the HF checkpoint folder",
    "DIR (config.json + model.safetensors or pytorch_model.bin), runs it on the case's inputs and",
    'labels with hidden states and attentions, and writes every output the case lists (HF names,',
    '{dtype, shape, data} tensors in full, loss as a scalar) to OUT.json. Default backend: auto (wasm',
    "when it starts, else cpu); stderr says which one ran. --backend onnx runs the checkpoint's ONNX",
    "export (cached in the data dir's onnx-cache/) on onnxruntime-node: the graph's outputs only (no loss,",
    'hidden states or attentions).',
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      checkpoint: { type: 'string' },
      case: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
    });
    for (const required of ['checkpoint', 'case', 'out'] as const) {
      if (!values[required]) throw new CliError(`infer: --${required} is required. ${usageLine(command)}`);
    }
    const backendChoice = parseEngineChoice(values.backend, 'infer');
    const checkpoint = values.checkpoint as string;
    const casePath = values.case as string;

    let caseText: string;
    try {
      caseText = await readFile(casePath, 'utf8');
    } catch (error) {
      throw new CliError(`infer: cannot read the case file ${casePath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      const golden = parseGoldenCase(caseText, casePath);
      if (!(NEZHA_CLASS_NAMES as readonly string[]).includes(golden.model_class)) {
        throw new CliError(
          `infer: ${casePath}: model_class "${golden.model_class}" is not a NEZHA class (${NEZHA_CLASS_NAMES.join(', ')})`,
        );
      }
      const className = golden.model_class as NezhaClassName;
      const { engine: backend, note } = await startNodeEngine(backendChoice, 'infer', {
        autoPrefersOnnx: false,
      });
      context.err(note);

      const folder = await stat(checkpoint).catch(() => null);
      if (folder === null || !folder.isDirectory()) {
        throw new CliError(`infer: checkpoint folder ${checkpoint} does not exist or is not a folder`);
      }
      const source = fsCheckpointSource(checkpoint);
      const loaded = await loadCheckpointFolder(source);
      const config = new NezhaConfig(loaded.config as ConstructorParameters<typeof NezhaConfig>[0]);
      const listed = new Set(Object.keys(golden.outputs ?? {}));
      if (backend === 'onnx') {
        const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
        const weights = await hashCheckpointWeights(source, loaded.files, sha256);
        const opened = await openCachedOnnxSession({
          dataDir: context.dataDir,
          weightsSha256: weights.sha256,
          className,
          config,
          stateDict: loaded.stateDict,
          note: (line) => context.err(`infer: ${checkpoint}: ${line}`),
        });
        const flat = (name: string, fill: number) => {
          const ids = golden.inputs.input_ids;
          const tensor = golden.inputs[name];
          const size = ids.shape.reduce((a, b) => a * b, 1);
          return tensor === undefined ? new Array<number>(size).fill(fill) : flattenGoldenData(tensor, name);
        };
        let outputs: Awaited<ReturnType<typeof runNezhaSession>>;
        try {
          outputs = await runNezhaSession(opened.session, {
            shape: golden.inputs.input_ids.shape,
            inputIds: flattenGoldenData(golden.inputs.input_ids, 'input_ids'),
            attentionMask: flat('attention_mask', 1),
            tokenTypeIds: flat('token_type_ids', 0),
          });
        } finally {
          await opened.session.release();
        }
        const graphOutputs = ONNX_OUTPUTS[className];
        const skipped = [...listed].filter((name) => !graphOutputs.includes(name));
        if (skipped.length > 0) {
          context.err(
            `infer: the ONNX graph has no ${skipped.join(', ')}; only ${graphOutputs.join(', ')} are written`,
          );
        }
        await ensureTfjsBackend();
        const selected: NezhaTaskOutput = {};
        for (const field of OUTPUT_ORDER[className]) {
          const name = HF_OUTPUT_NAMES[field];
          if (outputs[name] !== undefined && (listed.size === 0 || listed.has(name))) {
            (selected as Record<string, unknown>)[field] = tf.tensor(
              outputs[name].data,
              outputs[name].shape,
              'float32',
            );
          }
        }
        const json = await outputToGoldenJson(className, selected);
        tf.dispose(selected as unknown as tf.TensorContainer);
        await writeInferOutput(values.out as string, golden.name, className, backend, json);
        context.out(`infer: ${className} on ${golden.name} (${backend}) → ${values.out}`);
        return 0;
      }
      const { model, missingKeys, unexpectedKeys } = loadNezha(className, config, loaded.stateDict);
      if (missingKeys.length > 0) {
        context.err(
          `infer: ${checkpoint} has no weights for ${missingKeys.length} parameter(s) of ${className} (${missingKeys.join(', ')}); they were initialised randomly`,
        );
      }
      if (unexpectedKeys.length > 0) {
        context.err(`infer: ignored ${unexpectedKeys.length} checkpoint key(s) ${className} does not use`);
      }
      const batch = goldenBatch(golden.inputs, golden.labels, casePath);
      let output: NezhaTaskOutput;
      try {
        output = model.forward(batch, { outputHiddenStates: true, outputAttentions: true });
      } finally {
        disposeBatch(batch);
      }
      // Keep the fields the case lists (all of them when it lists none), in HF's order.
      const selected: NezhaTaskOutput = {};
      for (const field of OUTPUT_ORDER[className]) {
        if (listed.size === 0 || listed.has(HF_OUTPUT_NAMES[field])) {
          (selected as Record<string, unknown>)[field] = output[field];
        }
      }
      const json = await outputToGoldenJson(className, selected);
      tf.dispose(output as unknown as tf.TensorContainer);
      model.dispose();
      await writeInferOutput(values.out as string, golden.name, className, backend, json);
      context.out(`infer: ${className} on ${golden.name} (${backend}) → ${values.out}`);
      return 0;
    } catch (error) {
      asCliError(error, checkpoint);
    }
  },
};
