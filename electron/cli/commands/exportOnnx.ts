/**
 * `export-onnx --checkpoint DIR --out FILE.onnx [--task T]`
 *
 * Writes an ONNX graph (opset 17, fp32, dynamic batch and sequence, HF input / output names) of the
 * checkpoint's class, or of the class a task runs: the same model every other command runs, checked against
 * HF's goldens on onnxruntime-node. Weights over 2 GB go to FILE.onnx.data next to it.
 */
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { CheckpointError } from '../../../shared/checkpoint/errors';
import { NezhaConfigError } from '../../../shared/nezha/config';
import { classForTask, type NezhaClassName } from '../../../shared/nezha/modelClasses';
import { NEZHA_TASKS } from '../../../shared/nezha/tasks';
import { NezhaWeightsError } from '../../../shared/nezha/weights';
import { OnnxExportError } from '../../../shared/onnx';
import { exportCheckpointFolderToOnnx } from '../../onnx/exportCheckpoint';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';
import { taskOption } from '../taskOption';

/** The bare encoder has no pipeline task; HF's exporters call it feature-extraction. */
const FEATURE_EXTRACTION = 'feature-extraction';

function classOfTask(value: string): NezhaClassName {
  if (value.trim().toLowerCase().replace(/_/g, '-') === FEATURE_EXTRACTION) return 'NezhaModel';
  return classForTask(taskOption('export-onnx', value, NEZHA_TASKS));
}

export const command: Command = {
  name: 'export-onnx',
  summary: 'export a checkpoint (any NEZHA head) as an ONNX graph for ONNX Runtime / Triton',
  usage: [
    'export-onnx --checkpoint DIR --out FILE.onnx [--task T]',
    '',
    "Writes the checkpoint's class (its config.json architectures[0]; NezhaModel when none) or the class",
    `the task runs (${NEZHA_TASKS.join(', ')}, ${FEATURE_EXTRACTION} for the bare NezhaModel, or an`,
    'alias such as ner or a NEZHA class name) as ONNX opset 17, float32. Inputs input_ids, attention_mask,',
    'token_type_ids (int64, [batch, sequence]; multiple choice [batch, choices, sequence]); outputs named as',
    'HF names them (last_hidden_state, pooler_output, logits, prediction_logits, seq_relationship_logits,',
    'start_logits, end_logits). Any sequence length runs (relative positions are computed in the graph).',
    'Weights over 2 GB are written to FILE.onnx.data next to FILE.onnx.',
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      checkpoint: { type: 'string' },
      out: { type: 'string' },
      task: { type: 'string' },
    });
    for (const required of ['checkpoint', 'out'] as const) {
      if (!values[required])
        throw new CliError(`export-onnx: --${required} is required. ${usageLine(command)}`);
    }
    const checkpoint = resolve(values.checkpoint as string);
    const out = resolve(values.out as string);
    const className = values.task === undefined ? undefined : classOfTask(values.task as string);
    const folder = await stat(checkpoint).catch(() => null);
    if (folder === null || !folder.isDirectory()) {
      throw new CliError(`export-onnx: checkpoint folder ${checkpoint} does not exist or is not a folder`);
    }
    const started = performance.now();
    try {
      const result = await exportCheckpointFolderToOnnx(checkpoint, out, { className });
      if (result.missingKeys.length > 0) {
        context.err(
          `export-onnx: ${checkpoint} has no weights for ${result.missingKeys.length} parameter(s) of ${result.className} (${result.missingKeys.join(', ')}); they were initialised randomly, as HF does`,
        );
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      context.out(
        `export-onnx: ${result.className} (outputs ${result.outputs.join(', ')}; ${(result.weightBytes / 2 ** 20).toFixed(1)} MiB of weights) → ${result.files.join(', ')} in ${seconds} s`,
      );
      return 0;
    } catch (error) {
      if (
        error instanceof CheckpointError ||
        error instanceof NezhaConfigError ||
        error instanceof NezhaWeightsError ||
        error instanceof OnnxExportError
      ) {
        throw new CliError(`export-onnx: ${checkpoint}: ${error.message}`, { cause: error });
      }
      if (error instanceof Error && error.message.startsWith('cannot write')) {
        throw new CliError(`export-onnx: ${error.message}`, { cause: error });
      }
      throw error;
    }
  },
};
