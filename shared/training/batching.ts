import * as tf from '@tensorflow/tfjs-core';
import type { NezhaBatch } from '../nezha/heads';
import type { Feature } from './features';
import type { TrainingTask } from '../nezha/tasks';

/*
 * Pads a list of features into one NezhaBatch (HF's DataCollatorWithPadding: pad to the longest
 * row; token labels padded with -100).
 */

function padRows(rows: number[][], length: number, value: number): number[] {
  const out: number[] = [];
  for (const row of rows) {
    out.push(...row);
    for (let i = row.length; i < length; i++) out.push(value);
  }
  return out;
}

export function collate(features: readonly Feature[], task: TrainingTask, padId = 0): NezhaBatch {
  if (features.length === 0) throw new Error('collate: a batch needs at least one feature');
  if (task === 'multiple-choice') {
    const choices = (features[0].inputIds as number[][]).length;
    const ids = features.flatMap((f) => f.inputIds as number[][]);
    const types = features.flatMap((f) => f.tokenTypeIds as number[][]);
    const length = Math.max(...ids.map((r) => r.length));
    const shape = [features.length, choices, length];
    return {
      inputIds: tf.tensor3d(padRows(ids, length, padId), shape as [number, number, number], 'int32'),
      tokenTypeIds: tf.tensor3d(padRows(types, length, 0), shape as [number, number, number], 'int32'),
      attentionMask: tf.tensor3d(
        padRows(
          ids.map((r) => r.map(() => 1)),
          length,
          0,
        ),
        shape as [number, number, number],
        'int32',
      ),
      labels: tf.tensor1d(
        features.map((f) => f.classId ?? 0),
        'int32',
      ),
    };
  }
  const ids = features.map((f) => f.inputIds as number[]);
  const length = Math.max(...ids.map((r) => r.length));
  const shape: [number, number] = [features.length, length];
  const batch: NezhaBatch = {
    inputIds: tf.tensor2d(padRows(ids, length, padId), shape, 'int32'),
    tokenTypeIds: tf.tensor2d(
      padRows(
        features.map((f) => f.tokenTypeIds as number[]),
        length,
        0,
      ),
      shape,
      'int32',
    ),
    attentionMask: tf.tensor2d(
      padRows(
        ids.map((r) => r.map(() => 1)),
        length,
        0,
      ),
      shape,
      'int32',
    ),
  };
  switch (task) {
    case 'text-classification':
    case 'pair-classification':
      batch.labels = tf.tensor1d(
        features.map((f) => f.classId!),
        'int32',
      );
      break;
    case 'multi-label-classification':
      batch.labels = tf.tensor2d(
        features.map((f) => f.targets!),
        [features.length, features[0].targets!.length],
        'float32',
      );
      break;
    case 'regression':
      batch.labels = tf.tensor1d(
        features.map((f) => f.targets![0]),
        'float32',
      );
      break;
    case 'token-classification':
    case 'masked-lm':
      batch.labels = tf.tensor2d(
        padRows(
          features.map((f) => f.tokenLabels!),
          length,
          -100,
        ),
        shape,
        'int32',
      );
      if (task === 'masked-lm') {
        // The LM head then runs only where the loss looks (heads.ts labelledPositions).
        const positions = features.flatMap((f, row) =>
          f.tokenLabels!.flatMap((label, t) => (label === -100 ? [] : [row * length + t])),
        );
        if (positions.length > 0) batch.labelledPositions = tf.tensor1d(positions, 'int32');
      }
      if (features[0].classId !== undefined) {
        batch.nextSentenceLabel = tf.tensor1d(
          features.map((f) => f.classId!),
          'int32',
        );
      }
      break;
    case 'question-answering':
      batch.startPositions = tf.tensor1d(
        features.map((f) => f.startPosition ?? 0),
        'int32',
      );
      batch.endPositions = tf.tensor1d(
        features.map((f) => f.endPosition ?? 0),
        'int32',
      );
      break;
  }
  return batch;
}

export function disposeNezhaBatch(batch: NezhaBatch): void {
  for (const value of Object.values(batch)) if (value instanceof tf.Tensor) value.dispose();
}
