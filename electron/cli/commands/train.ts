/**
 * `train --checkpoint DIR --dataset FILE --task T --out DIR [settings]`
 *
 * Fine-tunes (or continues MLM pretraining of) a NEZHA checkpoint folder on a dataset file with
 * shared/training, printing one progress line per step and per dev evaluation, and writes an HF
 * folder (config.json with id2label/label2id, model.safetensors, vocab, tokenizer files,
 * training_args.json, training_record.json) that transformers' NezhaFor* classes load.
 * --state FILE saves the training state every --save-every steps; --resume FILE continues it.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../../../shared/checkpoint/errors';
import { loadCheckpointFolder } from '../../../shared/checkpoint/folder';
import { importDataset } from '../../../shared/datasets/importDataset';
import { DatasetFormatError } from '../../../shared/datasets/errors';
import {
  DATASET_TASK_OF,
  NezhaConfig,
  NezhaConfigError,
  NezhaWeightsError,
  prepareTfjsTraining,
} from '../../../shared/nezha';
import { BertTokenizer } from '../../../shared/tokenizer';
import {
  buildTrainingJob,
  decodeTrainingState,
  DEFAULT_TRAINING_SETTINGS,
  encodeTrainingState,
  explainTrainingFailure,
  loadJiebaSegmenter,
  train,
  trainedFolderFiles,
  trainingRecord,
  TrainingDataError,
  TRAINING_TASKS,
  type TrainingProgress,
  type TrainingRecords,
  type TrainingSettings,
  type TrainingTask,
} from '../../../shared/training';
import { fsCheckpointSource } from '../../services/fsCheckpointSource';
import { CliError, parseCommandArgs, usageLine, type Command } from '../command';
import { parseBackendChoice, startNodeBackend, type StartedBackend } from '../nodeBackend';
import { taskOption } from '../taskOption';

let gradientsRegistered = false;

/**
 * Registers tfjs-core's gradient functions in plain Node. They ship only in tfjs-core's per-file
 * ESM build, whose imports have no file extensions, which Node's ESM resolver refuses; a resolve
 * hook adds ".js" (or "/index.js") for imports from inside that build. The per-file build shares
 * the engine and gradient registry with the main build through tfjs's global namespace.
 */
export async function registerTfjsGradientsForNode(): Promise<void> {
  if (gradientsRegistered) return;
  const load = () => import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
  try {
    // Works as is where a bundler resolved the per-file build (vitest, esbuild bundles).
    await load();
  } catch {
    nodeModule.registerHooks({
      resolve(specifier, context, nextResolve) {
        if (
          context.parentURL?.includes('/@tensorflow/tfjs-core/dist/') &&
          specifier.startsWith('.') &&
          !specifier.endsWith('.js')
        ) {
          try {
            return nextResolve(`${specifier}.js`, context);
          } catch {
            return nextResolve(`${specifier}/index.js`, context);
          }
        }
        return nextResolve(specifier, context);
      },
    });
    await load();
  }
  prepareTfjsTraining();
  gradientsRegistered = true;
}

/** Starts the --backend value's backend in Node (auto: wasm when it starts, else cpu). */
export async function useNodeBackend(name: string): Promise<StartedBackend> {
  return startNodeBackend(parseBackendChoice(name, 'train'), 'train');
}

/** Dataset file → the records the task trains on. */
async function readRecords(file: string, task: TrainingTask): Promise<TrainingRecords> {
  const bytes = new Uint8Array(await readFile(file));
  if (task === 'masked-lm') {
    // Any text corpus: documents separated by blank lines.
    const text = new TextDecoder().decode(bytes);
    return { task, records: text.split(/\r?\n\s*\r?\n/).filter((d) => d.trim().length > 0) };
  }
  const imported = importDataset(bytes, { file });
  if (imported.task !== DATASET_TASK_OF[task]) {
    throw new CliError(
      `train: ${file} holds a ${imported.task} dataset but --task ${task} needs a ${DATASET_TASK_OF[task]} dataset`,
    );
  }
  const records = imported.records as never[];
  if (task === 'regression') {
    return {
      task,
      records: (records as { text: string; label: string }[]).map((r, i) => {
        const value = Number(r.label);
        if (!Number.isFinite(value))
          throw new CliError(
            `train: ${file}: record ${i + 1} has label "${r.label}", not a number (regression)`,
          );
        return { text: r.text, value };
      }),
    };
  }
  if (task === 'multi-label-classification') {
    // Several labels per text are written comma-separated in the label column.
    return {
      task,
      records: (records as { text: string; label: string }[]).map((r) => ({
        text: r.text,
        labels: r.label
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      })),
    };
  }
  return { task, records } as TrainingRecords;
}

function progressLine(p: TrainingProgress): string {
  if (p.kind === 'eval' && p.dev) {
    const metrics = Object.entries(p.dev.metrics)
      .map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : v}`)
      .join(' ');
    return `eval  step ${p.step}/${p.totalSteps} epoch ${p.epoch} ${metrics}`;
  }
  const eta = Number.isFinite(p.etaSeconds) ? `${Math.round(p.etaSeconds)}s` : '?';
  return `step ${p.step}/${p.totalSteps} epoch ${p.epoch} loss ${p.loss.toFixed(4)} lr ${p.learningRate.toExponential(2)} grad_norm ${p.gradNorm.toFixed(3)} ${p.examplesPerSecond.toFixed(1)} ex/s eta ${eta}`;
}

const NUMBER_OPTIONS = {
  epochs: 'epochs',
  'max-steps': 'maxSteps',
  'batch-size': 'batchSize',
  'grad-accum': 'gradientAccumulationSteps',
  lr: 'learningRate',
  'weight-decay': 'weightDecay',
  'warmup-ratio': 'warmupRatio',
  'warmup-steps': 'warmupSteps',
  'max-grad-norm': 'maxGradNorm',
  seed: 'seed',
  'eval-every': 'evalEverySteps',
  patience: 'earlyStoppingPatience',
} as const satisfies Record<string, keyof TrainingSettings>;

export const command: Command = {
  name: 'train',
  summary:
    'fine-tune a NEZHA checkpoint folder on a dataset (or continue MLM pretraining) and write an HF folder',
  usage: [
    'train --checkpoint DIR --dataset FILE --task TASK --out DIR [options]',
    '',
    `TASK: ${TRAINING_TASKS.join(', ')} (aliases such as classification, ner, mlm and NEZHA class names work too).`,
    'The dataset is any file the dataset importer reads (NER, classification, pair, CMRC/SQuAD, C3);',
    'masked-lm reads plain text (documents separated by blank lines) and masks whole jieba words.',
    '',
    'Options (HF Trainer defaults):',
    '  --epochs N (3)  --max-steps N (0 = use epochs)  --batch-size N (16)  --grad-accum N (1)',
    '  --lr X (5e-5)  --weight-decay X (0.01)  --warmup-ratio X (0.1)  --warmup-steps N',
    '  --max-grad-norm X (1.0)  --optimizer adamw|lamb (adamw)  --seed N (42)',
    '  --max-length N (128)  --doc-stride N (128, QA)  --dev-fraction X (0.1)',
    '  --eval-every N (0 = each epoch)  --patience N (0 = no early stopping)',
    '  --nsp (masked-lm: next-sentence pairs, trains NezhaForPreTraining)  --fp16 (request; fp32 is reported)',
    '  --backend auto|cpu|wasm (cpu)  --state FILE --save-every N (save the training state)  --resume FILE',
  ].join('\n'),
  async run(args, context) {
    const { values } = parseCommandArgs(command, args, {
      checkpoint: { type: 'string' },
      dataset: { type: 'string' },
      task: { type: 'string' },
      out: { type: 'string' },
      optimizer: { type: 'string', default: 'adamw' },
      backend: { type: 'string', default: 'cpu' },
      'max-length': { type: 'string', default: '128' },
      'doc-stride': { type: 'string', default: '128' },
      'dev-fraction': { type: 'string', default: '0.1' },
      state: { type: 'string' },
      'save-every': { type: 'string' },
      resume: { type: 'string' },
      nsp: { type: 'boolean' },
      fp16: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(NUMBER_OPTIONS).map((k) => [k, { type: 'string' as const }])),
    });
    for (const required of ['checkpoint', 'dataset', 'task', 'out'] as const) {
      if (!values[required]) throw new CliError(`train: --${required} is required. ${usageLine(command)}`);
    }
    const task = taskOption('train', values.task as string, TRAINING_TASKS);
    if (!['adamw', 'lamb'].includes(values.optimizer as string)) {
      throw new CliError(`train: --optimizer must be adamw or lamb, got "${values.optimizer}"`);
    }
    parseBackendChoice(values.backend, 'train');
    const number = (name: string, raw: string | undefined, fallback: number): number => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0)
        throw new CliError(`train: --${name} must be a non-negative number, got "${raw}"`);
      return value;
    };
    const settings: TrainingSettings = {
      ...DEFAULT_TRAINING_SETTINGS,
      task,
      optimizer: values.optimizer as 'adamw' | 'lamb',
      mixedPrecision: !!values.fp16,
    };
    for (const [flag, key] of Object.entries(NUMBER_OPTIONS)) {
      (settings as unknown as Record<string, number>)[key] = number(
        flag,
        (values as unknown as Record<string, string | undefined>)[flag],
        settings[key] as number,
      );
    }
    if (settings.batchSize < 1 || settings.gradientAccumulationSteps < 1) {
      throw new CliError('train: --batch-size and --grad-accum must be at least 1');
    }
    const checkpoint = values.checkpoint as string;
    const out = values.out as string;
    try {
      await registerTfjsGradientsForNode();
      context.err((await useNodeBackend(values.backend as string)).note);
      const folder = await stat(checkpoint).catch(() => null);
      if (folder === null || !folder.isDirectory()) {
        throw new CliError(`train: checkpoint folder ${checkpoint} does not exist or is not a folder`);
      }
      const loaded = await loadCheckpointFolder(fsCheckpointSource(checkpoint));
      const config = new NezhaConfig(loaded.config as never);
      const vocabText = await readFile(join(checkpoint, 'vocab.txt'), 'utf8').catch(() => {
        throw new CliError(
          `train: ${checkpoint} has no vocab.txt; the output folder needs the tokenizer's vocab`,
        );
      });
      const readJson = async (name: string) =>
        JSON.parse(await readFile(join(checkpoint, name), 'utf8').catch(() => 'null')) as unknown;
      const tokenizer = BertTokenizer.fromFiles({
        vocabText,
        tokenizerConfig: await readJson('tokenizer_config.json'),
        specialTokensMap: await readJson('special_tokens_map.json'),
      });
      const data = await readRecords(values.dataset as string, task);
      const maxLength = number('max-length', values['max-length'] as string, 128);
      const job = buildTrainingJob({
        data,
        devFraction: number('dev-fraction', values['dev-fraction'] as string, 0.1),
        config,
        stateDict: loaded.stateDict,
        tokenizer,
        settings,
        maxLength,
        docStride: number('doc-stride', values['doc-stride'] as string, 128),
        segmenter: task === 'masked-lm' ? await loadJiebaSegmenter() : undefined,
        withNextSentence: !!values.nsp,
      });
      context.out(
        `train: ${job.trainRecords} train / ${job.devRecords} dev records, ${job.config.architectures?.[0]}, labels [${job.labels.join(', ')}], backend ${tf.getBackend()}`,
      );
      if (job.missingKeys.length > 0) context.out(`train: newly initialised: ${job.missingKeys.join(', ')}`);
      const resumeFrom = values.resume
        ? decodeTrainingState(
            new Uint8Array(await readFile(values.resume as string)),
            values.resume as string,
          )
        : undefined;
      const stateFile = values.state as string | undefined;
      const result = await train({
        model: job.model,
        settings,
        train: job.train,
        evaluate: job.evaluate,
        padId: tokenizer.padId,
        resumeFrom,
        saveEverySteps: stateFile ? number('save-every', values['save-every'] as string, 50) : undefined,
        onSaveState: stateFile ? (state) => writeFile(stateFile, encodeTrainingState(state)) : undefined,
        onProgress: (p) => context.out(progressLine(p)),
      }).catch((error: unknown) => {
        throw explainTrainingFailure(error, tf.getBackend(), {
          settings,
          maxLength,
          afterward: stateFile ? `Resume from the state in ${stateFile} with --resume.` : undefined,
        });
      });
      context.out(
        `train: ${result.status} after ${result.state.step} steps in ${result.seconds.toFixed(1)} s; ${result.precision.note}`,
      );
      const record = trainingRecord(job, result, {
        checkpoint,
        dataset: values.dataset,
        command: `train ${args.join(' ')}`,
      });
      const files = await trainedFolderFiles(job.model, vocabText, record, tokenizer.settings.modelMaxLength);
      await mkdir(out, { recursive: true });
      for (const [name, bytes] of files) await writeFile(join(out, name), bytes);
      if (result.bestMetric !== null)
        context.out(
          `train: best dev ${result.finalDev?.metricName} ${result.bestMetric.toFixed(4)} at step ${result.bestStep}`,
        );
      context.out(`train: wrote ${[...files.keys()].join(', ')} to ${out}`);
      job.model.dispose();
      return 0;
    } catch (error) {
      if (error instanceof CliError) throw error;
      if (
        error instanceof CheckpointError ||
        error instanceof DatasetFormatError ||
        error instanceof TrainingDataError ||
        error instanceof NezhaConfigError ||
        error instanceof NezhaWeightsError
      ) {
        throw new CliError(`train: ${error.message}`, { cause: error });
      }
      throw error;
    }
  },
};
