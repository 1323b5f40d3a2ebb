/**
 * The rules of "Update the model from my annotations" (issue 12), as plain functions: which done examples
 * are held out (a seeded, stable ~20% slice, at least one), how a held-out slice is scored (exact-match
 * entity spans, micro F1 with a 95% bootstrap interval: the benchmark's own metric), what a new version
 * is called, and the training settings an update uses. state/update.ts drives them.
 */
import type { ExampleView, HeldOutScore } from '../../../../shared/ipc';
import type { NerExample } from '../../../../shared/datasets/types';
import { evaluateNerSpans } from '../../../../shared/metrics/evaluate';
import { DEFAULT_TRAINING_SETTINGS, type TrainingSettings } from '../../../../shared/training';

/** Share of the done examples held out for scoring (never trained on). */
export const heldOutFraction = 0.2;
/** Fixed, so an example's side of the split never depends on when the update ran. */
export const heldOutSeed = 0x4e5a4841;

/** What the person can set for an update; the rest are shared/training's defaults. */
export interface UpdateOptions {
  epochs: number;
  /** 0: epochs decide. */
  maxSteps: number;
  /** null: `autoLearningRate` for the checkpoint's size. */
  learningRate: number | null;
  batchSize: number;
  maxLength: number;
}

export const DEFAULT_UPDATE_OPTIONS: UpdateOptions = {
  epochs: 3,
  maxSteps: 0,
  learningRate: null,
  batchSize: 8,
  maxLength: 128,
};

/**
 * The learning rate an update uses unless one is set: HF's fine-tuning default (5e-5) for base-sized
 * encoders and up (hidden ≥ 512), a larger one for small models such as the demo (hidden 64), which
 * barely move at 5e-5 in the few steps a handful of done examples give.
 */
export function autoLearningRate(hiddenSize: number): number {
  return hiddenSize >= 512 ? 5e-5 : 3e-4;
}

/** The trainer's settings for an update: no dev split (the held-out slice is scored separately, after). */
export function updateTrainingSettings(options: UpdateOptions, hiddenSize: number): TrainingSettings {
  return {
    ...DEFAULT_TRAINING_SETTINGS,
    task: 'token-classification',
    epochs: options.epochs,
    maxSteps: options.maxSteps,
    learningRate: options.learningRate ?? autoLearningRate(hiddenSize),
    batchSize: options.batchSize,
    // No dev set during training: the best-checkpoint pick would be made on the held-out slice itself.
    evalEverySteps: 0,
    earlyStoppingPatience: 0,
    loadBestModelAtEnd: false,
  };
}

/** A number in [0, 1) from an example id: murmur3's 32-bit finaliser over id ^ seed. */
export function splitPosition(exampleId: number, seed = heldOutSeed): number {
  let h = (Math.trunc(exampleId) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 2 ** 32;
}

/**
 * Splits the done examples into train and held out. An example is held out when its seeded position is
 * below `fraction`, so it stays held out as more examples are done and no later version trains on what
 * an earlier one was scored on. With too few examples for that to pick any, the lowest position is held
 * out (at least one); if it would take them all, the highest goes back to training. Needs 2 examples.
 */
export function splitDoneExamples<T extends { id: number }>(
  examples: readonly T[],
  fraction = heldOutFraction,
  seed = heldOutSeed,
): { train: T[]; heldOut: T[] } {
  if (examples.length < 2)
    throw new Error(
      `An update needs at least 2 done examples (one to train on, one to score on); ${examples.length} ${examples.length === 1 ? 'is' : 'are'} done. Mark more examples done first.`,
    );
  const ranked = examples
    .map((example) => ({ example, at: splitPosition(example.id, seed) }))
    .sort((a, b) => a.at - b.at || a.example.id - b.example.id);
  let held = ranked.filter((r) => r.at < fraction).length;
  held = Math.min(ranked.length - 1, Math.max(1, held));
  const heldIds = new Set(ranked.slice(0, held).map((r) => r.example.id));
  return {
    train: examples.filter((e) => !heldIds.has(e.id)),
    heldOut: examples.filter((e) => heldIds.has(e.id)),
  };
}

/** What the trainer reads from a done example: its text and the annotator's spans (gold + own). */
export function nerRecord(example: Pick<ExampleView, 'text' | 'spans'>): NerExample {
  return {
    text: example.text,
    spans: example.spans.map((s) => ({ start: s.start, end: s.end, label: s.label })),
  };
}

type Span = { start: number; end: number; label: string };

/**
 * Entity scores of predictions against the held-out examples' spans (code-point offsets): exact-match
 * spans, micro precision / recall / F1 and the F1's 95% percentile-bootstrap interval over sentences.
 */
export function scoreHeldOut(
  gold: readonly (readonly Span[])[],
  predicted: readonly (readonly Span[])[],
): HeldOutScore {
  if (gold.length !== predicted.length)
    throw new Error(
      `Scoring needs one prediction per held-out example: ${gold.length} examples, ${predicted.length} predictions.`,
    );
  const tuples = (spans: readonly Span[]) => spans.map((s) => [s.label, s.start, s.end] as const);
  const { metrics } = evaluateNerSpans(gold.map(tuples), predicted.map(tuples), { resamples: 1000 });
  const metric = (name: string) => {
    const found = metrics.find((m) => m.metric === name);
    if (!found) throw new Error(`The NER evaluation returned no ${name}.`);
    return found;
  };
  const f1 = metric('micro-f1');
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
  return {
    f1: clamp(f1.value),
    precision: clamp(metric('micro-precision').value),
    recall: clamp(metric('micro-recall').value),
    ci: [clamp(f1.ci[0]), clamp(f1.ci[1])],
    examples: gold.length,
    goldEntities: gold.reduce((n, spans) => n + spans.length, 0),
  };
}

/** "<base> · v2 (<dataset>, 40 done)": the library name says the base, the dataset and the examples. */
export function versionName(base: string, version: number, dataset: string, trainExamples: number): string {
  const cut = (text: string, max: number) =>
    Array.from(text).length > max
      ? `${Array.from(text)
          .slice(0, max - 1)
          .join('')}…`
      : text;
  return `${cut(base, 90)} · v${version} (${cut(dataset, 70)}, ${trainExamples} done)`;
}

/** A fresh run id for an update (letters, digits, "-": what the run store accepts). */
export function updateRunId(now = Date.now(), random = Math.random()): string {
  return `update-${now.toString(36)}-${Math.floor(random * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
