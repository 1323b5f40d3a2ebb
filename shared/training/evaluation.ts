import * as tf from '@tensorflow/tfjs-core';
import type { QaExample } from '../datasets/types';
import { accuracy, macroF1 } from '../metrics/classification';
import { cmrcExactMatch, cmrcF1 } from '../metrics/cmrc2018';
import { seqevalF1 } from '../metrics/seqeval';
import type { NezhaTaskModel } from '../nezha/heads';
import { collate, disposeNezhaBatch } from './batching';
import type { TrainingTask } from '../nezha/tasks';
import type { Feature } from './features';

/*
 * Dev-set evaluation with the benchmark workbench's metrics (shared/metrics): accuracy and macro
 * F1 for classification and multiple choice, seqeval entity F1 for token classification, CMRC 2018
 * EM/F1 for QA, MSE for regression, masked-token loss for MLM. `metric` is the one early stopping
 * watches; `greaterIsBetter` says which way is better.
 */

export interface DevMetrics {
  metricName: string;
  metric: number;
  greaterIsBetter: boolean;
  metrics: Record<string, number>;
}

export interface EvaluationContext {
  task: TrainingTask;
  /** id → label name (token classification tags). */
  id2label: ReadonlyMap<number, string>;
  /** QA: the source examples the windows came from. */
  qaExamples?: readonly QaExample[];
  batchSize: number;
  padId?: number;
  /** Longest answer in tokens for QA decoding (HF default 30). */
  maxAnswerLength?: number;
}

function argmax(values: ArrayLike<number>, from: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[from + i] > values[from + best]) best = i;
  return best;
}

export function evaluateFeatures(
  model: NezhaTaskModel,
  features: readonly Feature[],
  context: EvaluationContext,
): DevMetrics {
  const { task } = context;
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const tagTrue: string[][] = [];
  const tagPred: string[][] = [];
  const multiTrue: number[][] = [];
  const multiPred: number[][] = [];
  const regressionError: number[] = [];
  let lossSum = 0;
  let lossRows = 0;
  let maskedCorrect = 0;
  let maskedTotal = 0;
  const bestSpan = new Map<number, { score: number; text: string }>();
  for (let start = 0; start < features.length; start += context.batchSize) {
    const slice = features.slice(start, start + context.batchSize);
    const batch = collate(slice, task, context.padId ?? 0);
    const output = model.forward(batch);
    if (output.loss) {
      lossSum += output.loss.dataSync()[0] * slice.length;
      lossRows += slice.length;
    }
    if (task === 'question-answering') {
      const startLogits = output.startLogits!.arraySync();
      const endLogits = output.endLogits!.arraySync();
      slice.forEach((feature, row) => {
        const encoding = feature.encoding!;
        const example = context.qaExamples![feature.exampleIndex];
        const maxAnswer = context.maxAnswerLength ?? 30;
        const contextTokens = encoding.sequenceIds.flatMap((s, t) => (s === 1 ? [t] : []));
        let best = { score: -Infinity, text: '' };
        for (const s of contextTokens) {
          for (const e of contextTokens) {
            if (e < s || e - s + 1 > maxAnswer) continue;
            const score = startLogits[row][s] + endLogits[row][e];
            if (score > best.score) {
              const chars = [...example.context];
              best = {
                score,
                text: chars
                  .slice(encoding.codePointOffsets[s]![0], encoding.codePointOffsets[e]![1])
                  .join(''),
              };
            }
          }
        }
        const previous = bestSpan.get(feature.exampleIndex);
        if (previous === undefined || best.score > previous.score) bestSpan.set(feature.exampleIndex, best);
      });
    } else {
      const logits = (output.logits ?? output.predictionLogits)!;
      const values = logits.dataSync();
      const width = logits.shape[logits.rank - 1]!;
      if (task === 'token-classification' || task === 'masked-lm') {
        // [batch, length, width], or [labelled positions, width] in row-major order (collate's
        // labelledPositions for masked-lm).
        const perPosition = logits.rank === 2;
        const length = perPosition ? 0 : logits.shape[1]!;
        let labelled = 0;
        slice.forEach((feature, row) => {
          const truth: string[] = [];
          const guess: string[] = [];
          feature.tokenLabels!.forEach((label, t) => {
            if (label === -100) return;
            const at = perPosition ? labelled++ : row * length + t;
            const predicted = argmax(values, at * width, width);
            if (task === 'masked-lm') {
              maskedTotal++;
              if (predicted === label) maskedCorrect++;
            } else {
              truth.push(context.id2label.get(label) ?? 'O');
              guess.push(context.id2label.get(predicted) ?? 'O');
            }
          });
          if (task === 'token-classification') {
            tagTrue.push(truth);
            tagPred.push(guess);
          }
        });
      } else if (task === 'regression') {
        slice.forEach((feature, row) => regressionError.push((values[row] - feature.targets![0]) ** 2));
      } else if (task === 'multi-label-classification') {
        slice.forEach((feature, row) => {
          multiTrue.push(feature.targets!);
          multiPred.push(Array.from({ length: width }, (_, k) => (values[row * width + k] > 0 ? 1 : 0)));
        });
      } else {
        slice.forEach((feature, row) => {
          yTrue.push(feature.classId!);
          yPred.push(argmax(values, row * width, width));
        });
      }
    }
    tf.dispose(output as unknown as tf.TensorContainer);
    disposeNezhaBatch(batch);
  }
  const loss = lossRows > 0 ? lossSum / lossRows : NaN;
  switch (task) {
    case 'token-classification': {
      const f1 = seqevalF1(tagTrue, tagPred);
      return { metricName: 'entity_f1', metric: f1, greaterIsBetter: true, metrics: { entity_f1: f1, loss } };
    }
    case 'masked-lm':
      return {
        metricName: 'loss',
        metric: loss,
        greaterIsBetter: false,
        metrics: { loss, masked_accuracy: maskedTotal ? maskedCorrect / maskedTotal : NaN },
      };
    case 'regression': {
      const mse = regressionError.reduce((a, b) => a + b, 0) / regressionError.length;
      return { metricName: 'mse', metric: mse, greaterIsBetter: false, metrics: { mse, loss } };
    }
    case 'multi-label-classification': {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      let exact = 0;
      multiTrue.forEach((truth, i) => {
        let same = true;
        truth.forEach((t, k) => {
          const p = multiPred[i][k];
          if (t === 1 && p === 1) tp++;
          else if (p === 1) fp++;
          else if (t === 1) fn++;
          if (t !== p) same = false;
        });
        if (same) exact++;
      });
      const microF1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      return {
        metricName: 'micro_f1',
        metric: microF1,
        greaterIsBetter: true,
        metrics: { micro_f1: microF1, subset_accuracy: exact / multiTrue.length, loss },
      };
    }
    case 'question-answering': {
      const examples = context.qaExamples!;
      let f1 = 0;
      let em = 0;
      let counted = 0;
      for (const [index, span] of bestSpan) {
        const answers = examples[index].answers.map((a) => a.text).filter((t) => t.length > 0);
        if (answers.length === 0) continue;
        f1 += cmrcF1(answers, span.text);
        em += cmrcExactMatch(answers, span.text);
        counted++;
      }
      return {
        metricName: 'f1',
        metric: counted ? f1 / counted : 0,
        greaterIsBetter: true,
        metrics: { f1: counted ? f1 / counted : 0, exact_match: counted ? em / counted : 0, loss },
      };
    }
    default: {
      const acc = accuracy(yTrue, yPred);
      return {
        metricName: 'accuracy',
        metric: acc,
        greaterIsBetter: true,
        metrics: { accuracy: acc, macro_f1: macroF1(yTrue, yPred), loss },
      };
    }
  }
}
