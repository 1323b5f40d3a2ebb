import * as tf from '@tensorflow/tfjs-core';

/*
 * torch.nn losses as HF's NEZHA heads call them (FACTS §5), all with mean reduction and all
 * differentiable with kernels every backend has (no gather gradient: the target pick is a one-hot
 * product).
 */

/** torch's CrossEntropyLoss default ignore_index. */
export const IGNORE_INDEX = -100;

/**
 * CrossEntropyLoss(logits [N, C], labels [N] int, ignore_index): mean over the rows whose label is
 * not ignored (NaN when every row is ignored, as torch). A label outside [0, C) that is not the
 * ignore index is an error, as in torch.
 */
export function crossEntropy(
  logits: tf.Tensor,
  labels: tf.Tensor,
  ignoreIndex = IGNORE_INDEX,
  what = 'labels',
): tf.Scalar {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(
      `cross entropy needs logits [N, C] and ${what} [N]; got logits [${logits.shape.join(', ')}] and ${what} [${labels.shape.join(', ')}]`,
    );
  }
  const classes = logits.shape[1] as number;
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const label = values[i];
    if (label !== ignoreIndex && (label < 0 || label >= classes || !Number.isInteger(label))) {
      throw new Error(
        `${what}[${i}] = ${label} is not a class index in [0, ${classes}) (nor the ignore index ${ignoreIndex}); fix the labels or num_labels`,
      );
    }
  }
  return tf.tidy(() => {
    const intLabels = tf.cast(labels, 'int32');
    const valid = tf.notEqual(intLabels, ignoreIndex);
    const safeLabels = tf.where(valid, intLabels, tf.zerosLike(intLabels));
    const logProbs = tf.logSoftmax(logits);
    // One-hot by comparison: the WASM backend's OneHot kernel ignores the float32 dtype (tfjs 4.22).
    const oneHot = tf.cast(
      tf.equal(tf.expandDims(safeLabels, 1), tf.range(0, classes, 1, 'int32')),
      'float32',
    );
    const picked = tf.sum(tf.mul(logProbs, oneHot), 1);
    const weights = tf.cast(valid, 'float32');
    return tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), tf.sum(weights)) as tf.Scalar;
  });
}

/** MSELoss: mean((a − b)²); shapes must match (after HF's squeeze). */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (predictions.size !== targets.size) {
    throw new Error(
      `regression labels have shape [${targets.shape.join(', ')}] but logits have [${predictions.shape.join(', ')}]`,
    );
  }
  return tf.tidy(
    () =>
      tf.mean(
        tf.squaredDifference(predictions, tf.reshape(tf.cast(targets, 'float32'), predictions.shape)),
      ) as tf.Scalar,
  );
}

/** BCEWithLogitsLoss: mean over all elements of max(x, 0) − x·y + log(1 + e^−|x|). */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (logits.size !== targets.size) {
    throw new Error(
      `multi-label labels have shape [${targets.shape.join(', ')}] but logits have [${logits.shape.join(', ')}]; give one 0/1 value per label`,
    );
  }
  return tf.tidy(() => {
    const y = tf.reshape(tf.cast(targets, 'float32'), logits.shape);
    const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(loss) as tf.Scalar;
  });
}
