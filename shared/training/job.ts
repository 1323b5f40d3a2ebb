import type { StateDict } from '../checkpoint/types';
import { writeHfFolder } from '../checkpoint/hfFolder';
import type { ClassificationExample, McExample, NerExample, PairExample, QaExample } from '../datasets/types';
import { NezhaConfig } from '../nezha/config';
import type { NezhaTaskModel } from '../nezha/heads';
import { classForTask } from '../nezha/modelClasses';
import type { TrainingTask } from '../nezha/tasks';
import { createNezha, exportStateDict, loadNezha } from '../nezha/weights';
import type { BertTokenizer } from '../tokenizer';
import { evaluateFeatures, type DevMetrics } from './evaluation';
import {
  bioLabelNames,
  classificationFeatures,
  labelNames,
  multiLabelFeatures,
  multipleChoiceFeatures,
  questionAnsweringFeatures,
  regressionFeatures,
  tokenClassificationFeatures,
  TrainingDataError,
  type Feature,
  type MultiLabelExample,
  type RegressionExample,
} from './features';
import { TrainingRandom } from './random';
import type { TrainingResult, TrainingSettings } from './trainer';
import { maskedFeature, pretrainingRows, splitSentences, type WordSegmenter } from './wholeWordMasking';

/*
 * From a checkpoint (or a fresh config) and dataset records to everything train() needs: the
 * model with its label list, train and dev rows (seeded split), the dev evaluator; and back from
 * a trained model to an HF folder with its training record.
 */

export type TrainingRecords =
  | { task: 'text-classification'; records: ClassificationExample[] }
  | { task: 'pair-classification'; records: PairExample[] }
  | { task: 'multi-label-classification'; records: MultiLabelExample[] }
  | { task: 'regression'; records: RegressionExample[] }
  | { task: 'token-classification'; records: NerExample[] }
  | { task: 'question-answering'; records: QaExample[] }
  | { task: 'multiple-choice'; records: McExample[] }
  /** Continued pretraining: documents of raw text. */
  | { task: 'masked-lm'; records: string[] };

export interface JobInput {
  data: TrainingRecords;
  /** Held-out dev records, or null to split `devFraction` off the data (seeded). */
  dev?: TrainingRecords['records'] | null;
  devFraction: number;
  config: NezhaConfig;
  /** Checkpoint weights; null trains from scratch (HF init, seeded). */
  stateDict: StateDict | null;
  tokenizer: BertTokenizer;
  settings: TrainingSettings;
  maxLength: number;
  /** QA windows overlap (HF doc_stride). */
  docStride?: number;
  /** Multiple choice: choices per question (padded). */
  numChoices?: number;
  /** Masked LM: jieba or another segmenter; NSP pairs train NezhaForPreTraining. */
  segmenter?: WordSegmenter;
  withNextSentence?: boolean;
}

export interface TrainingJob {
  model: NezhaTaskModel;
  config: NezhaConfig;
  labels: string[];
  train: Feature[] | ((epoch: number, random: TrainingRandom) => Feature[]);
  dev: Feature[];
  trainRecords: number;
  devRecords: number;
  evaluate: ((model: NezhaTaskModel) => DevMetrics) | null;
  missingKeys: string[];
}

/** Seeded split: a shuffled `fraction` of the records (at least 1 when fraction > 0) goes to dev. */
export function splitTrainDev<T>(
  records: readonly T[],
  fraction: number,
  seed: number,
): { train: T[]; dev: T[] } {
  if (fraction <= 0) return { train: [...records], dev: [] };
  const order = new TrainingRandom(seed ^ 0x5bd1e995).permutation(records.length);
  const devCount = Math.max(1, Math.round(records.length * fraction));
  const devSet = new Set(order.slice(0, devCount));
  return {
    train: records.filter((_, i) => !devSet.has(i)),
    dev: records.filter((_, i) => devSet.has(i)),
  };
}

function labelsFor(data: TrainingRecords): string[] {
  switch (data.task) {
    case 'text-classification':
    case 'pair-classification':
      return labelNames(data.records.map((r) => r.label));
    case 'multi-label-classification':
      return labelNames(data.records.flatMap((r) => r.labels));
    case 'token-classification':
      return bioLabelNames(data.records.flatMap((r) => r.spans.map((s) => s.label)));
    default:
      return [];
  }
}

export function buildTrainingJob(input: JobInput): TrainingJob {
  const { data, tokenizer, maxLength, settings } = input;
  if (data.records.length === 0) throw new TrainingDataError(`the ${data.task} dataset has no records`);
  const split =
    input.dev != null
      ? { train: data.records as unknown[], dev: input.dev as unknown[] }
      : splitTrainDev(data.records as unknown[], input.devFraction, settings.seed);
  if (split.train.length === 0)
    throw new TrainingDataError('no training records are left after the dev split');

  const config = input.config;
  const className =
    data.task === 'masked-lm' && input.withNextSentence ? 'NezhaForPreTraining' : classForTask(data.task);
  let labels = labelsFor(data);
  const known = [...config.id2label.values()];
  const checkpointLabels = config.numLabels;
  // Keep a checkpoint's own label list when it already covers the data (continued fine-tuning).
  if (
    labels.length > 0 &&
    input.stateDict !== null &&
    labels.every((l) => known.includes(l)) &&
    !known.some((l) => /^LABEL_\d+$/.test(l))
  )
    labels = known;
  if (labels.length > 0) config.setLabels(labels);
  else if (data.task === 'regression') config.numLabels = 1;
  else if (data.task === 'question-answering') config.numLabels = 2;
  config.problemType =
    data.task === 'regression'
      ? 'regression'
      : data.task === 'multi-label-classification'
        ? 'multi_label_classification'
        : data.task === 'text-classification' || data.task === 'pair-classification'
          ? 'single_label_classification'
          : null;
  config.architectures = [className];

  let model: NezhaTaskModel;
  let missingKeys: string[] = [];
  if (input.stateDict === null) model = createNezha(className, config, settings.seed);
  else {
    // A head trained for another label set starts fresh (HF's ignore_mismatched_sizes=True).
    let stateDict = input.stateDict;
    if (config.numLabels !== checkpointLabels) {
      stateDict = new Map([...stateDict].filter(([key]) => !/^(classifier|qa_outputs)\./.test(key)));
    }
    const loaded = loadNezha(className, config, stateDict, { seed: settings.seed });
    model = loaded.model;
    missingKeys = loaded.missingKeys;
  }
  const label2id = config.label2id;
  const padId = tokenizer.padId;
  const features = (records: unknown[]): Feature[] => {
    switch (data.task) {
      case 'text-classification':
      case 'pair-classification':
        return classificationFeatures(records as ClassificationExample[], tokenizer, label2id, maxLength);
      case 'multi-label-classification':
        return multiLabelFeatures(records as MultiLabelExample[], tokenizer, label2id, maxLength);
      case 'regression':
        return regressionFeatures(records as RegressionExample[], tokenizer, maxLength);
      case 'token-classification':
        return tokenClassificationFeatures(records as NerExample[], tokenizer, label2id, maxLength);
      case 'question-answering':
        return questionAnsweringFeatures(
          records as QaExample[],
          tokenizer,
          maxLength,
          input.docStride ?? 128,
        );
      case 'multiple-choice':
        return multipleChoiceFeatures(records as McExample[], tokenizer, maxLength, input.numChoices ?? 4);
      case 'masked-lm':
        throw new Error('unreachable');
    }
  };

  let train: TrainingJob['train'];
  let dev: Feature[];
  if (data.task === 'masked-lm') {
    if (!input.segmenter) throw new TrainingDataError('masked-lm training needs a word segmenter (jieba)');
    const segmenter = input.segmenter;
    const documents = (texts: unknown[]) =>
      (texts as string[]).map(splitSentences).filter((d) => d.length > 0);
    const rowRandom = new TrainingRandom(settings.seed ^ 0x2545f491);
    const trainRows = pretrainingRows(
      documents(split.train),
      tokenizer,
      segmenter,
      maxLength,
      rowRandom,
      !!input.withNextSentence,
    );
    const devRows = pretrainingRows(
      documents(split.dev),
      tokenizer,
      segmenter,
      maxLength,
      rowRandom,
      !!input.withNextSentence,
    );
    // Fresh masks every epoch (dynamic masking); dev masks fixed by the seed.
    train = (_epoch, random) => trainRows.map((row, i) => maskedFeature(row, i, random, tokenizer));
    const devRandom = new TrainingRandom(settings.seed ^ 0x68e31da4);
    dev = devRows.map((row, i) => maskedFeature(row, i, devRandom, tokenizer));
  } else {
    train = features(split.train);
    dev = features(split.dev);
  }
  const evaluate =
    dev.length === 0
      ? null
      : (m: NezhaTaskModel) =>
          evaluateFeatures(m, dev, {
            task: data.task,
            id2label: config.id2label,
            qaExamples: data.task === 'question-answering' ? (split.dev as QaExample[]) : undefined,
            batchSize: Math.max(settings.batchSize, 16),
            padId,
          });
  return {
    model,
    config,
    labels,
    train,
    dev,
    trainRecords: split.train.length,
    devRecords: split.dev.length,
    evaluate,
    missingKeys,
  };
}

/** What the output folder records about the run (training_record.json). */
export interface TrainingRecord {
  schema: 'nezha-training-record/1';
  task: TrainingTask;
  settings: TrainingSettings;
  status: TrainingResult['status'];
  steps: number;
  seconds: number;
  trainRecords: number;
  devRecords: number;
  bestStep: number | null;
  bestMetric: number | null;
  finalDev: Record<string, number> | null;
  precision: string;
  backend: string;
  lossCurve: { step: number; loss: number; learningRate: number }[];
  devCurve: { step: number; epoch: number; metrics: Record<string, number> }[];
  [extra: string]: unknown;
}

export function trainingRecord(
  job: Pick<TrainingJob, 'trainRecords' | 'devRecords'>,
  result: TrainingResult,
  extra: Record<string, unknown> = {},
): TrainingRecord {
  return {
    schema: 'nezha-training-record/1',
    task: result.state.settings.task,
    settings: result.state.settings,
    status: result.status,
    steps: result.state.step,
    seconds: result.seconds,
    trainRecords: job.trainRecords,
    devRecords: job.devRecords,
    bestStep: result.bestStep,
    bestMetric: result.bestMetric,
    finalDev: result.finalDev?.metrics ?? null,
    precision: result.precision.note,
    backend: result.precision.backend,
    lossCurve: result.state.lossHistory,
    devCurve: result.state.devHistory,
    ...extra,
  };
}

/**
 * The HF folder for a trained model (config.json with id2label/label2id and architectures,
 * model.safetensors, vocab and tokenizer files) plus training_args.json (HF TrainingArguments
 * names where they exist) and training_record.json (curves, dev metrics, timing).
 */
export async function trainedFolderFiles(
  model: NezhaTaskModel,
  vocabText: string,
  record: TrainingRecord,
  modelMaxLength?: number,
): Promise<Map<string, Uint8Array>> {
  const files = writeHfFolder({
    config: model.config.toDict() as Record<string, unknown>,
    stateDict: await exportStateDict(model),
    vocab: vocabText,
    modelMaxLength,
  });
  const s = record.settings;
  const trainingArgs = {
    num_train_epochs: s.epochs,
    max_steps: s.maxSteps > 0 ? s.maxSteps : -1,
    per_device_train_batch_size: s.batchSize,
    gradient_accumulation_steps: s.gradientAccumulationSteps,
    learning_rate: s.learningRate,
    weight_decay: s.weightDecay,
    adam_beta1: s.beta1,
    adam_beta2: s.beta2,
    adam_epsilon: s.epsilon,
    warmup_ratio: s.warmupRatio,
    warmup_steps: s.warmupSteps,
    max_grad_norm: s.maxGradNorm,
    lr_scheduler_type: 'linear',
    optim: s.optimizer === 'adamw' ? 'adamw_torch' : 'lamb',
    seed: s.seed,
    load_best_model_at_end: s.loadBestModelAtEnd,
    fp16: false,
  };
  const encoder = new TextEncoder();
  files.set('training_args.json', encoder.encode(`${JSON.stringify(trainingArgs, null, 2)}\n`));
  files.set('training_record.json', encoder.encode(`${JSON.stringify(record, null, 1)}\n`));
  return files;
}

export { NezhaConfig };
