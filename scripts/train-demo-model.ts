/**
 * Trains the builtin models, from scratch or from the builtin masked-LM, with shared/training on WASM, and
 * writes each as an HF folder with its training record (settings, machine, time, loss and dev curves,
 * held-out figures) under resources/checkpoints/:
 *
 *   npx tsx scripts/train-demo-model.ts --model ner        [--data ../shared/datasets] [options]
 *   npx tsx scripts/train-demo-model.ts --model mlm        --data ../shared/datasets [options]
 *   npx tsx scripts/train-demo-model.ts --model sentiment  --data ../shared/datasets [--init DIR] [options]
 *
 * - ner → nezha-demo-ner (NezhaForTokenClassification, PER/LOC/ORG): People's Daily NER dev (15% held out,
 *   written as the builtin sample corpora, resources/datasets) plus, with --data, the MSRA SIGHAN-2006 test
 *   file and CLUENER dev mapped to PER/LOC/ORG (10% of each held out). A dev slice of each picks the best step.
 * - mlm → nezha-demo-mlm (NezhaForMaskedLM): whole word masking (jieba) over every Chinese text in --data except
 *   what any builtin model reports on.
 * - sentiment → nezha-demo-sentiment (NezhaForSequenceClassification): ChnSentiCorp's test split (10% dev for
 *   the best step), reported on its dev split; --init starts from a checkpoint folder (the builtin MLM).
 *
 * The defaults are the shipped models' settings (the NER model also needs --data ../shared/datasets).
 * Options: --out DIR, --max-steps N or --budget-minutes M (time 8 steps, take what fits), --batch-size,
 * --lr, --dropout, --hidden, --layers, --heads, --max-length, --seed, --eval-every N, --backend wasm|cpu, --minutes (safety
 * stop), --heldout-out FILE (NER: the whole held-out slice in char-per-line, for `eval`'s bootstrap CI).
 * The shipped models' exact commands are in their training_record.json ("command"); the figures of each
 * attempt on the way are in resources/checkpoints/README.md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { fsCheckpointSource } from '../electron/services/fsCheckpointSource';
import { loadCheckpointFolder } from '../shared/checkpoint/folder';
import type { StateDict } from '../shared/checkpoint/types';
import { exportNer } from '../shared/datasets';
import type { NerExample } from '../shared/datasets/types';
import { NezhaConfig } from '../shared/nezha/config';
import { BertTokenizer } from '../shared/tokenizer';
import {
  buildTrainingJob,
  classificationFeatures,
  DEFAULT_TRAINING_SETTINGS,
  evaluateFeatures,
  loadJiebaSegmenter,
  tokenClassificationFeatures,
  train,
  trainedFolderFiles,
  trainingRecord,
  type JobInput,
  type TrainingJob,
  type TrainingRecords,
  type TrainingSettings,
} from '../shared/training';
import { registerTfjsGradientsForNode, useNodeBackend } from '../electron/cli/commands/train';
import { nerSources, pretrainingDocuments, sentimentSource, type Source } from './demoModels/corpora';

type ModelName = 'ner' | 'mlm' | 'sentiment';

/** What differs between the builtin models when an option is not given. */
const DEFAULTS = {
  ner: {
    out: 'resources/checkpoints/nezha-demo-ner',
    'max-steps': '1400',
    lr: '1.5e-3',
    dropout: '0.2',
    hidden: '128',
    layers: '4',
    heads: '4',
  },
  mlm: {
    out: 'resources/checkpoints/nezha-demo-mlm',
    'max-steps': '600',
    lr: '1e-3',
    dropout: '0.1',
    hidden: '128',
    layers: '4',
    heads: '4',
  },
  sentiment: {
    out: 'resources/checkpoints/nezha-demo-sentiment',
    'max-steps': '400',
    lr: '5e-4',
    dropout: '0.1',
    hidden: '128',
    layers: '4',
    heads: '4',
  },
} satisfies Record<ModelName, Record<string, string>>;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'ner' },
    out: { type: 'string' },
    'max-steps': { type: 'string' },
    'batch-size': { type: 'string', default: '16' },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '7' },
    // Safety stop: the run ends (status "cancelled", recorded) if it takes longer than this.
    minutes: { type: 'string', default: '60' },
    // Instead of --max-steps: time 8 steps first and take as many steps as fit this budget.
    'budget-minutes': { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    heads: { type: 'string' },
    lr: { type: 'string' },
    dropout: { type: 'string' },
    'max-length': { type: 'string', default: '128' },
    // Dev evaluations (the best one is kept) every N optimizer steps.
    'eval-every': { type: 'string', default: '50' },
    // The shared datasets folder (../shared/datasets in the development checkout).
    data: { type: 'string' },
    // A checkpoint folder to start from (its encoder; the head is new when the task's head differs).
    init: { type: 'string' },
    // The builtin sample corpora (resources/datasets): the People's Daily held-out sentences.
    'samples-out': { type: 'string', default: 'resources/datasets' },
    'samples-only': { type: 'boolean', default: false },
    'heldout-out': { type: 'string' },
  },
});

const modelName = values.model as ModelName;
if (!(modelName in DEFAULTS)) throw new Error(`--model ${values.model}: expected ner, mlm or sentiment`);
const option = (name: keyof (typeof DEFAULTS)['ner']): string => values[name] ?? DEFAULTS[modelName][name];
const hidden = Number(option('hidden'));
const dropout = Number(option('dropout'));
const MODEL_CONFIG = {
  vocab_size: 21128,
  hidden_size: hidden,
  num_hidden_layers: Number(option('layers')),
  num_attention_heads: Number(option('heads')),
  intermediate_size: 4 * hidden,
  max_position_embeddings: 512,
  max_relative_position: 64,
  type_vocab_size: 2,
  hidden_dropout_prob: dropout,
  attention_probs_dropout_prob: dropout,
  initializer_range: 0.02,
};
const MAX_LENGTH = Number(values['max-length']);
const seed = Number(values.seed);

/**
 * The held-out sentences as the app's builtin datasets: with their gold entities in People's
 * Daily's own char-per-line format (to benchmark on), and as text only (to pre-annotate).
 */
async function writeSampleCorpora(heldOut: NerExample[], dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'peoples-daily-heldout.txt'), exportNer(heldOut, 'char-per-line'));
  const textOnly = heldOut.map((r) => ({ text: r.text, spans: [] }));
  await writeFile(join(dir, 'peoples-daily-sample.jsonl'), exportNer(textOnly, 'jsonl-spans'));
}

/** One model's data and how its held-out figures are measured once it is trained. */
interface Recipe {
  data: TrainingRecords;
  dev: TrainingRecords['records'];
  sources: Source<unknown>[];
  segmenter?: JobInput['segmenter'];
  heldOut(job: TrainingJob): Record<string, unknown>;
}

function describe(sources: readonly Source<unknown>[]) {
  return sources.map((s) => ({
    name: s.name,
    file: s.file,
    train: s.train.length,
    dev: s.dev.length,
    heldOut: s.heldOut.length,
  }));
}

function requireData(): string {
  if (values.data === undefined)
    throw new Error(`--model ${modelName} needs --data (the shared datasets folder)`);
  return values.data;
}

async function nerRecipe(tokenizer: BertTokenizer): Promise<Recipe> {
  const sources = await nerSources(values.data, seed, MAX_LENGTH - 2);
  await writeSampleCorpora(sources[0].heldOut, values['samples-out'] as string);
  const heldOut = sources.flatMap((s) => s.heldOut);
  if (values['heldout-out'] !== undefined)
    await writeFile(values['heldout-out'], exportNer(heldOut, 'char-per-line'));
  return {
    data: { task: 'token-classification', records: sources.flatMap((s) => s.train) },
    dev: sources.flatMap((s) => s.dev),
    sources,
    heldOut: (job) => {
      const at = (maxLength: number, records: NerExample[] = heldOut) =>
        evaluateFeatures(
          job.model,
          tokenClassificationFeatures(records, tokenizer, job.config.label2id, maxLength),
          {
            task: 'token-classification',
            id2label: job.config.id2label,
            batchSize: 32,
            padId: tokenizer.padId,
          },
        ).metrics;
      // At the training cut (the first MAX_LENGTH tokens of each sentence), and on whole sentences as
      // the Annotate view runs the model (relative positions carry it past the training length).
      return {
        heldOutMetrics: at(MAX_LENGTH),
        heldOutWholeSentences: at(512),
        heldOutBySource: Object.fromEntries(sources.map((s) => [s.name, at(512, s.heldOut)])),
      };
    },
  };
}

async function sentimentRecipe(tokenizer: BertTokenizer): Promise<Recipe> {
  const source = await sentimentSource(requireData(), seed);
  return {
    data: { task: 'text-classification', records: source.train },
    dev: source.dev,
    sources: [source],
    heldOut: (job) => ({
      heldOutMetrics: evaluateFeatures(
        job.model,
        classificationFeatures(source.heldOut, tokenizer, job.config.label2id, MAX_LENGTH),
        { task: 'text-classification', id2label: job.config.id2label, batchSize: 32, padId: tokenizer.padId },
      ).metrics,
    }),
  };
}

async function mlmRecipe(): Promise<Recipe> {
  const data = requireData();
  const ner = await nerSources(data, seed, MAX_LENGTH - 2);
  const sentiment = await sentimentSource(data, seed);
  const { documents, files } = await pretrainingDocuments(data, ner, sentiment);
  const source = splitSourceOfDocuments(documents, files);
  return {
    data: { task: 'masked-lm', records: source.train },
    dev: source.dev,
    sources: [source],
    segmenter: await loadJiebaSegmenter(),
    // The dev masked-LM loss is the held-out figure: every text any model reports on was left out.
    heldOut: () => ({}),
  };
}

function splitSourceOfDocuments(documents: string[], files: string[]): Source<string> {
  const devCount = Math.max(1, Math.round(documents.length * 0.01));
  return {
    name: 'Chinese text of the shared datasets (whole word masking)',
    file: files.join('; '),
    // Documents are in file order; the dev slice is every 100th, so it spans every source.
    train: documents.filter((_, i) => i % 100 !== 0 || i / 100 >= devCount),
    dev: documents.filter((_, i) => i % 100 === 0 && i / 100 < devCount),
    heldOut: [],
  };
}

/**
 * Where training starts: fresh weights shaped by the options, or --init's checkpoint with its own shape
 * (hidden size, layers, heads, vocab; the dropout options still apply).
 */
async function initialWeights(): Promise<{
  stateDict: StateDict | null;
  from: string | null;
  /** The init checkpoint's own training record (the run this one continues), when it has one. */
  previous: unknown;
  modelConfig: Record<string, unknown>;
}> {
  if (values.init === undefined)
    return { stateDict: null, from: null, previous: null, modelConfig: MODEL_CONFIG };
  const loaded = await loadCheckpointFolder(fsCheckpointSource(values.init));
  const shape = loaded.config as Record<string, unknown>;
  const keys = [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'max_position_embeddings',
    'max_relative_position',
    'type_vocab_size',
    'initializer_range',
    // The head's labels, so a head for the same labels is kept (not re-initialised).
    'id2label',
    'label2id',
  ];
  const previous = await readFile(join(values.init, 'training_record.json'), 'utf8')
    .then((text) => JSON.parse(text) as unknown)
    .catch(() => null);
  return {
    stateDict: loaded.stateDict,
    from: values.init,
    previous,
    modelConfig: {
      ...MODEL_CONFIG,
      ...Object.fromEntries(keys.filter((k) => k in shape).map((k) => [k, shape[k]])),
    },
  };
}

async function main(): Promise<void> {
  await registerTfjsGradientsForNode();
  await useNodeBackend(values.backend as string);
  const vocabText = await readFile('fixtures/vocab/bert-base-chinese-vocab.txt', 'utf8');
  const tokenizer = BertTokenizer.fromFiles({ vocabText });
  const recipe =
    modelName === 'ner'
      ? await nerRecipe(tokenizer)
      : modelName === 'sentiment'
        ? await sentimentRecipe(tokenizer)
        : await mlmRecipe();
  if (values['samples-only']) return;
  for (const s of describe(recipe.sources))
    console.log(`${s.name}: ${s.train} train / ${s.dev} dev / ${s.heldOut} held out`);
  const init = await initialWeights();
  const settings: TrainingSettings = {
    ...DEFAULT_TRAINING_SETTINGS,
    task: recipe.data.task,
    maxSteps: Number(option('max-steps')),
    batchSize: Number(values['batch-size']),
    learningRate: Number(option('lr')),
    warmupRatio: 0.06,
    weightDecay: 0.01,
    seed,
    evalEverySteps: Number(values['eval-every']),
    earlyStoppingPatience: 0,
  };
  const makeJob = () =>
    buildTrainingJob({
      data: recipe.data,
      dev: recipe.dev,
      devFraction: 0,
      config: new NezhaConfig(init.modelConfig as never),
      stateDict: init.stateDict,
      tokenizer,
      settings,
      maxLength: MAX_LENGTH,
      segmenter: recipe.segmenter,
    });
  if (values['budget-minutes'] !== undefined) {
    // Calibration on a throwaway model: seconds per step, plus one dev evaluation per 50 steps.
    const probe = makeJob();
    const timed = await train({
      model: probe.model,
      settings: { ...settings, maxSteps: 8, evalEverySteps: 0 },
      train: probe.train,
      evaluate: null,
    });
    const t0 = performance.now();
    probe.evaluate!(probe.model);
    const evalSeconds = (performance.now() - t0) / 1000;
    probe.model.dispose();
    const perStep = timed.seconds / 8 + evalSeconds / settings.evalEverySteps;
    settings.maxSteps = Math.max(
      50,
      Math.floor((Number(values['budget-minutes']) * 60 - 2 * evalSeconds) / (perStep * 1.1)),
    );
    console.log(`calibration: ${perStep.toFixed(3)} s/step incl. evals → ${settings.maxSteps} steps`);
  }
  const job = makeJob();
  console.log(`${job.trainRecords} train / ${job.devRecords} dev records; backend ${tf.getBackend()}`);
  if (job.missingKeys.length > 0) console.log(`newly initialised: ${job.missingKeys.join(', ')}`);
  const stop = { aborted: false, reason: 'cancel' as unknown };
  const timer = setTimeout(() => (stop.aborted = true), Number(values.minutes) * 60_000);
  const result = await train({
    stop,
    model: job.model,
    settings,
    train: job.train,
    evaluate: job.evaluate,
    padId: tokenizer.padId,
    onProgress: (p) => {
      if (p.kind === 'eval') console.log(`eval step ${p.step}: ${JSON.stringify(p.dev?.metrics)}`);
      else if (p.step % 20 === 0)
        console.log(
          `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} lr ${p.learningRate.toExponential(2)} ${p.examplesPerSecond.toFixed(1)} ex/s eta ${Math.round(p.etaSeconds)} s`,
        );
    },
  });
  clearTimeout(timer);
  const heldOut = recipe.heldOut(job);
  console.log(`held-out: ${JSON.stringify(heldOut)}`);
  const record = trainingRecord(job, result, {
    script: 'scripts/train-demo-model.ts',
    command: `npx tsx scripts/train-demo-model.ts ${process.argv.slice(2).join(' ')}`.trim(),
    corpus: recipe.sources.map((s) => `${s.file} (${s.name})`).join('; '),
    initialisedFrom: init.from,
    previousRun: init.previous,
    split: { seed, train: job.trainRecords, dev: job.devRecords, bySource: describe(recipe.sources) },
    modelConfig: init.modelConfig,
    maxLength: MAX_LENGTH,
    ...heldOut,
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, shared), ${process.platform} ${process.arch}, Node ${process.version}`,
    trainedAt: new Date().toISOString(),
  });
  const files = await trainedFolderFiles(job.model, vocabText, record, 512);
  const out = option('out');
  await mkdir(out, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(out, name), bytes);
  console.log(`wrote ${out} (${[...files.values()].reduce((n, b) => n + b.length, 0)} bytes)`);
}

await main();
