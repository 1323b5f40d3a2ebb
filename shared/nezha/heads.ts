import * as tf from '@tensorflow/tfjs-core';
import { activation } from './activations';
import type { NezhaConfig, ProblemType } from './config';
import type { NezhaClassName } from './modelClasses';
import { binaryCrossEntropyWithLogits, crossEntropy, IGNORE_INDEX, meanSquaredError } from './losses';
import type { ForwardOptions, NezhaInputs, NezhaModelOutput } from './modeling';
import { NezhaModel } from './modeling';
import type { ForwardContext, ParameterSource } from './nn';
import {
  LayerNorm,
  Linear,
  Module,
  dropout,
  gatherRows,
  joinName,
  matMulTransposedB,
  tidyOutput,
} from './nn';

/*
 * HF's NEZHA task heads (FACTS §4, §5) with their names, shapes and losses. Every class takes the
 * same inputs, the labels its HF forward() takes, and returns the fields of its HF ModelOutput.
 */

export interface NezhaLabels {
  /** Class ids (int32) or, for regression / multi-label, float targets; -100 = ignored where HF ignores. */
  labels?: tf.Tensor;
  /** NezhaForPreTraining only: [batch] 0 = B follows A, 1 = random. */
  nextSentenceLabel?: tf.Tensor;
  /** NezhaForQuestionAnswering: [batch] token indices; out-of-range ones are ignored. */
  startPositions?: tf.Tensor;
  endPositions?: tf.Tensor;
  /**
   * Masked LM / pretraining, training only: flat indices (row · length + t) of the positions whose
   * `labels` are not -100, ascending. Given, the prediction head runs only at those positions (the
   * loss and its gradients are the same; the head over every position is most of an MLM step's
   * cost at a 21128-token vocab), and the LM logits are [positions, vocab] instead of
   * [batch, length, vocab]. Not an HF argument; the trainer's collate() sets it.
   */
  labelledPositions?: tf.Tensor1D;
}

export type NezhaBatch = NezhaInputs & NezhaLabels;

/** Every field any NEZHA ModelOutput has (camelCase of HF's names). */
export interface NezhaTaskOutput {
  loss?: tf.Scalar;
  logits?: tf.Tensor;
  /** [batch, length, vocab], or [positions, vocab] when the batch has labelledPositions. */
  predictionLogits?: tf.Tensor;
  seqRelationshipLogits?: tf.Tensor2D;
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
  lastHiddenState?: tf.Tensor3D;
  poolerOutput?: tf.Tensor2D;
  hiddenStates?: tf.Tensor3D[];
  attentions?: tf.Tensor4D[];
}

// The class names live with the pure class ↔ task map, which the UI reads without tfjs.
export { NEZHA_CLASS_NAMES, type NezhaClassName } from './modelClasses';

/** HF ModelOutput field order per class (= the return_dict=False tuple order). */
export const OUTPUT_ORDER: Readonly<Record<NezhaClassName, readonly (keyof NezhaTaskOutput)[]>> = {
  NezhaModel: ['lastHiddenState', 'poolerOutput', 'hiddenStates', 'attentions'],
  NezhaForPreTraining: ['loss', 'predictionLogits', 'seqRelationshipLogits', 'hiddenStates', 'attentions'],
  NezhaForMaskedLM: ['loss', 'logits', 'hiddenStates', 'attentions'],
  NezhaForNextSentencePrediction: ['loss', 'logits', 'hiddenStates', 'attentions'],
  NezhaForSequenceClassification: ['loss', 'logits', 'hiddenStates', 'attentions'],
  NezhaForMultipleChoice: ['loss', 'logits', 'hiddenStates', 'attentions'],
  NezhaForTokenClassification: ['loss', 'logits', 'hiddenStates', 'attentions'],
  NezhaForQuestionAnswering: ['loss', 'startLogits', 'endLogits', 'hiddenStates', 'attentions'],
};

/** camelCase field → HF's ModelOutput name. */
export const HF_OUTPUT_NAMES: Readonly<Record<keyof NezhaTaskOutput, string>> = {
  loss: 'loss',
  logits: 'logits',
  predictionLogits: 'prediction_logits',
  seqRelationshipLogits: 'seq_relationship_logits',
  startLogits: 'start_logits',
  endLogits: 'end_logits',
  lastHiddenState: 'last_hidden_state',
  poolerOutput: 'pooler_output',
  hiddenStates: 'hidden_states',
  attentions: 'attentions',
};

/** What every loaded NEZHA class offers: one forward, its parameters by HF name, dispose. */
export interface NezhaTaskModel {
  readonly className: NezhaClassName;
  readonly config: NezhaConfig;
  forward(batch: NezhaBatch, options?: ForwardOptions): NezhaTaskOutput;
  namedParameters(): Map<string, tf.Variable>;
  dispose(): void;
}

function encoderFields(output: NezhaModelOutput): Pick<NezhaTaskOutput, 'hiddenStates' | 'attentions'> {
  const fields: Pick<NezhaTaskOutput, 'hiddenStates' | 'attentions'> = {};
  if (output.hiddenStates) fields.hiddenStates = output.hiddenStates;
  if (output.attentions) fields.attentions = output.attentions;
  return fields;
}

function contextOf(options: ForwardOptions): ForwardContext {
  return { training: options.training ?? false };
}

function flattenLabels(labels: tf.Tensor): tf.Tensor1D {
  return tf.reshape(labels, [-1]) as tf.Tensor1D;
}

function requireLabels(labels: tf.Tensor | undefined, rows: number, what: string, className: string): void {
  if (labels !== undefined && labels.size !== rows) {
    throw new Error(
      `${className}: ${what} has ${labels.size} values (shape [${labels.shape.join(', ')}]) but the logits have ${rows} rows`,
    );
  }
}

export class NezhaPredictionHeadTransform extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string) {
    super(prefix);
    this.dense = this.child(
      new Linear(
        source,
        joinName(prefix, 'dense'),
        config.hiddenSize,
        config.hiddenSize,
        config.initializerRange,
      ),
    );
    this.act = activation(config.hiddenAct);
    this.LayerNorm = this.child(
      new LayerNorm(source, joinName(prefix, 'LayerNorm'), config.hiddenSize, config.layerNormEps),
    );
  }

  forward(hidden: tf.Tensor): tf.Tensor {
    return this.LayerNorm.apply(this.act(this.dense.apply(hidden)));
  }
}

/** transform → decoder (tied to the word embeddings, FACTS §4) + cls.predictions.bias. */
export class NezhaLMPredictionHead extends Module {
  readonly bias: tf.Variable;
  readonly transform: NezhaPredictionHeadTransform;
  /** The tied decoder weight [vocab, hidden]: the word-embedding variable itself. */
  readonly decoderWeight: tf.Variable;

  constructor(config: NezhaConfig, source: ParameterSource, prefix: string, wordEmbeddings: tf.Variable) {
    super(prefix);
    // HF registers `bias` on this module before its children: named_parameters order.
    this.bias = this.parameter(source, 'bias', [config.vocabSize], { kind: 'zeros' });
    this.transform = this.child(
      new NezhaPredictionHeadTransform(config, source, joinName(prefix, 'transform')),
    );
    this.decoderWeight = wordEmbeddings;
  }

  forward(hidden: tf.Tensor3D): tf.Tensor3D {
    const [batch, length, size] = hidden.shape;
    const transformed = tf.reshape(this.transform.forward(hidden), [batch * length, size]);
    const logits = tf.add(matMulTransposedB(transformed, this.decoderWeight), this.bias);
    return tf.reshape(logits, [batch, length, this.decoderWeight.shape[0]]) as tf.Tensor3D;
  }

  /** The logits [positions, vocab] at flat positions (row · length + t) only. */
  forwardAt(hidden: tf.Tensor3D, positions: tf.Tensor1D): tf.Tensor2D {
    const [batch, length, size] = hidden.shape;
    const rows = gatherRows(tf.reshape(hidden, [batch * length, size]), positions);
    const transformed = tf.reshape(this.transform.forward(tf.reshape(rows, [1, positions.size, size])), [
      -1,
      size,
    ]);
    return tf.add(matMulTransposedB(transformed, this.decoderWeight), this.bias) as tf.Tensor2D;
  }

  /**
   * The LM logits of a batch: at every position, or only at batch.labelledPositions when the batch
   * has them and labels (training).
   */
  predict(hidden: tf.Tensor3D, batch: NezhaBatch): tf.Tensor {
    const positions = batch.labels !== undefined ? batch.labelledPositions : undefined;
    return positions === undefined ? this.forward(hidden) : this.forwardAt(hidden, positions);
  }

  /** HF's masked-LM loss for predict()'s logits (cross-entropy, -100 ignored). */
  loss(logits: tf.Tensor, batch: NezhaBatch & { labels: tf.Tensor }, className: string): tf.Scalar {
    const vocab = this.decoderWeight.shape[0];
    if (logits.rank === 2)
      return crossEntropy(logits, tf.gather(flattenLabels(batch.labels), batch.labelledPositions!));
    requireLabels(batch.labels, logits.size / vocab, 'labels', className);
    return crossEntropy(tf.reshape(logits, [-1, vocab]), flattenLabels(batch.labels));
  }
}

/** Shared scaffolding: the `nezha` base model under prefix "nezha." (FACTS §7). */
abstract class NezhaHeadModel extends Module implements NezhaTaskModel {
  abstract readonly className: NezhaClassName;
  readonly config: NezhaConfig;
  readonly nezha: NezhaModel;

  protected constructor(config: NezhaConfig, source: ParameterSource, addPoolingLayer: boolean) {
    super('');
    this.config = config;
    this.nezha = this.child(new NezhaModel(config, source, 'nezha', addPoolingLayer));
  }

  abstract forward(batch: NezhaBatch, options?: ForwardOptions): NezhaTaskOutput;
}

export class NezhaForPreTraining extends NezhaHeadModel {
  readonly className = 'NezhaForPreTraining' as const;
  readonly cls: { predictions: NezhaLMPredictionHead; seq_relationship: Linear };

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, true);
    this.cls = {
      predictions: this.child(
        new NezhaLMPredictionHead(
          config,
          source,
          'cls.predictions',
          this.nezha.embeddings.word_embeddings.weight,
        ),
      ),
      seq_relationship: this.child(
        new Linear(source, 'cls.seq_relationship', config.hiddenSize, 2, config.initializerRange),
      ),
    };
  }

  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const predictionLogits = this.cls.predictions.predict(base.lastHiddenState, batch);
      const seqRelationshipLogits = this.cls.seq_relationship.apply(base.poolerOutput!) as tf.Tensor2D;
      const out: NezhaTaskOutput = { predictionLogits, seqRelationshipLogits, ...encoderFields(base) };
      // HF computes the loss only when both label kinds are given.
      if (batch.labels !== undefined && batch.nextSentenceLabel !== undefined) {
        requireLabels(
          batch.nextSentenceLabel,
          seqRelationshipLogits.shape[0],
          'nextSentenceLabel',
          this.className,
        );
        const masked = this.cls.predictions.loss(
          predictionLogits,
          { ...batch, labels: batch.labels },
          this.className,
        );
        const nextSentence = crossEntropy(
          seqRelationshipLogits,
          flattenLabels(batch.nextSentenceLabel),
          IGNORE_INDEX,
          'nextSentenceLabel',
        );
        out.loss = tf.add(masked, nextSentence) as tf.Scalar;
      }
      return out;
    });
  }
}

export class NezhaForMaskedLM extends NezhaHeadModel {
  readonly className = 'NezhaForMaskedLM' as const;
  readonly cls: { predictions: NezhaLMPredictionHead };

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, false);
    this.cls = {
      predictions: this.child(
        new NezhaLMPredictionHead(
          config,
          source,
          'cls.predictions',
          this.nezha.embeddings.word_embeddings.weight,
        ),
      ),
    };
  }

  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const logits = this.cls.predictions.predict(base.lastHiddenState, batch);
      const out: NezhaTaskOutput = { logits, ...encoderFields(base) };
      if (batch.labels !== undefined) {
        out.loss = this.cls.predictions.loss(logits, { ...batch, labels: batch.labels }, this.className);
      }
      return out;
    });
  }
}

export class NezhaForNextSentencePrediction extends NezhaHeadModel {
  readonly className = 'NezhaForNextSentencePrediction' as const;
  readonly cls: { seq_relationship: Linear };

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, true);
    this.cls = {
      seq_relationship: this.child(
        new Linear(source, 'cls.seq_relationship', config.hiddenSize, 2, config.initializerRange),
      ),
    };
  }

  /** `labels` (or HF's deprecated `next_sentence_label`, here nextSentenceLabel) → CE over 2 classes. */
  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const logits = this.cls.seq_relationship.apply(base.poolerOutput!) as tf.Tensor2D;
      const out: NezhaTaskOutput = { logits, ...encoderFields(base) };
      const labels = batch.labels ?? batch.nextSentenceLabel;
      if (labels !== undefined) {
        requireLabels(labels, logits.shape[0], 'labels', this.className);
        out.loss = crossEntropy(logits, flattenLabels(labels));
      }
      return out;
    });
  }
}

/**
 * problem_type as HF infers it at run time (FACTS §5); the config is updated, as HF updates
 * model.config, so a config saved afterwards records it.
 */
function resolveProblemType(config: NezhaConfig, labels: tf.Tensor): ProblemType {
  if (config.problemType === null) {
    if (config.numLabels === 1) config.problemType = 'regression';
    else if (labels.dtype === 'int32') config.problemType = 'single_label_classification';
    else config.problemType = 'multi_label_classification';
  }
  return config.problemType;
}

export class NezhaForSequenceClassification extends NezhaHeadModel {
  readonly className = 'NezhaForSequenceClassification' as const;
  readonly classifier: Linear;

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, true);
    this.classifier = this.child(
      new Linear(source, 'classifier', config.hiddenSize, config.numLabels, config.initializerRange),
    );
  }

  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const pooled = dropout(base.poolerOutput!, this.config.classifierDropoutRate, contextOf(options));
      const logits = this.classifier.apply(pooled) as tf.Tensor2D;
      const out: NezhaTaskOutput = { logits, ...encoderFields(base) };
      if (batch.labels !== undefined) {
        const labels = batch.labels;
        const numLabels = this.config.numLabels;
        const problemType = resolveProblemType(this.config, labels);
        if (problemType === 'regression') {
          out.loss =
            numLabels === 1
              ? meanSquaredError(tf.squeeze(logits), tf.squeeze(labels))
              : meanSquaredError(logits, labels);
        } else if (problemType === 'single_label_classification') {
          requireLabels(labels, logits.shape[0], 'labels', this.className);
          out.loss = crossEntropy(logits, flattenLabels(labels));
        } else {
          out.loss = binaryCrossEntropyWithLogits(logits, labels);
        }
      }
      return out;
    });
  }
}

export class NezhaForMultipleChoice extends NezhaHeadModel {
  readonly className = 'NezhaForMultipleChoice' as const;
  readonly classifier: Linear;

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, true);
    this.classifier = this.child(
      new Linear(source, 'classifier', config.hiddenSize, 1, config.initializerRange),
    );
  }

  /** Inputs [batch, choices, seq], flattened to [batch·choices, seq]; logits [batch, choices]. */
  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    const ids = batch.inputIds;
    if (ids.rank !== 3) {
      throw new Error(
        `NezhaForMultipleChoice: inputIds must be [batch, choices, seq], got [${ids.shape.join(', ')}]`,
      );
    }
    const [examples, choices, length] = ids.shape;
    return tidyOutput(() => {
      const flatten = (t: tf.Tensor | undefined, name: string) => {
        if (t === undefined) return undefined;
        if (t.size !== ids.size) {
          throw new Error(
            `NezhaForMultipleChoice: ${name} has shape [${t.shape.join(', ')}], inputIds [${ids.shape.join(', ')}]`,
          );
        }
        return tf.reshape(t, [examples * choices, length]);
      };
      const base = this.nezha.forward(
        {
          inputIds: flatten(ids, 'inputIds')!,
          attentionMask: flatten(batch.attentionMask, 'attentionMask'),
          tokenTypeIds: flatten(batch.tokenTypeIds, 'tokenTypeIds'),
        },
        options,
      );
      const pooled = dropout(base.poolerOutput!, this.config.classifierDropoutRate, contextOf(options));
      const logits = tf.reshape(this.classifier.apply(pooled), [examples, choices]) as tf.Tensor2D;
      const out: NezhaTaskOutput = { logits, ...encoderFields(base) };
      if (batch.labels !== undefined) {
        requireLabels(batch.labels, examples, 'labels', this.className);
        out.loss = crossEntropy(logits, flattenLabels(batch.labels));
      }
      return out;
    });
  }
}

export class NezhaForTokenClassification extends NezhaHeadModel {
  readonly className = 'NezhaForTokenClassification' as const;
  readonly classifier: Linear;

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, false);
    this.classifier = this.child(
      new Linear(source, 'classifier', config.hiddenSize, config.numLabels, config.initializerRange),
    );
  }

  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const hidden = dropout(base.lastHiddenState, this.config.classifierDropoutRate, contextOf(options));
      const logits = this.classifier.apply(hidden) as tf.Tensor3D;
      const out: NezhaTaskOutput = { logits, ...encoderFields(base) };
      if (batch.labels !== undefined) {
        const numLabels = this.config.numLabels;
        requireLabels(batch.labels, logits.size / numLabels, 'labels', this.className);
        out.loss = crossEntropy(tf.reshape(logits, [-1, numLabels]), flattenLabels(batch.labels));
      }
      return out;
    });
  }
}

export class NezhaForQuestionAnswering extends NezhaHeadModel {
  readonly className = 'NezhaForQuestionAnswering' as const;
  readonly qa_outputs: Linear;

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, false);
    if (config.numLabels !== 2) {
      throw new Error(
        `NezhaForQuestionAnswering needs num_labels = 2 (start and end logits), but config.json has ${config.numLabels} labels in id2label`,
      );
    }
    this.qa_outputs = this.child(
      new Linear(source, 'qa_outputs', config.hiddenSize, config.numLabels, config.initializerRange),
    );
  }

  /**
   * loss = (CE(start) + CE(end)) / 2 with positions clamped to [0, seq] and seq ignored, so
   * out-of-range positions drop out (FACTS §5).
   */
  forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaTaskOutput {
    return tidyOutput(() => {
      const base = this.nezha.forward(batch, options);
      const logits = this.qa_outputs.apply(base.lastHiddenState) as tf.Tensor3D;
      const [startLogits, endLogits] = tf.unstack(logits, 2) as [tf.Tensor2D, tf.Tensor2D];
      const out: NezhaTaskOutput = { startLogits, endLogits, ...encoderFields(base) };
      if (batch.startPositions !== undefined && batch.endPositions !== undefined) {
        const length = startLogits.shape[1];
        const rows = startLogits.shape[0];
        requireLabels(batch.startPositions, rows, 'startPositions', this.className);
        requireLabels(batch.endPositions, rows, 'endPositions', this.className);
        // Clamped in float32: the WASM backend's ClipByValue does not clamp int32 tensors (tfjs 4.22).
        const clampPositions = (positions: tf.Tensor) =>
          tf.cast(tf.clipByValue(tf.cast(flattenLabels(positions), 'float32'), 0, length), 'int32');
        const startLoss = crossEntropy(
          startLogits,
          clampPositions(batch.startPositions),
          length,
          'startPositions',
        );
        const endLoss = crossEntropy(endLogits, clampPositions(batch.endPositions), length, 'endPositions');
        out.loss = tf.div(tf.add(startLoss, endLoss), 2) as tf.Scalar;
      }
      return out;
    });
  }
}

/** NezhaModel as a task model: the bare encoder under its own (unprefixed) names. */
export class NezhaBaseModel extends NezhaModel implements NezhaTaskModel {
  readonly className = 'NezhaModel' as const;

  constructor(config: NezhaConfig, source: ParameterSource) {
    super(config, source, '', true);
  }

  override forward(batch: NezhaBatch, options: ForwardOptions = {}): NezhaModelOutput {
    return tidyOutput(() => super.forward(batch, options));
  }
}

export const NEZHA_CLASSES: Readonly<
  Record<NezhaClassName, new (config: NezhaConfig, source: ParameterSource) => NezhaTaskModel>
> = {
  NezhaModel: NezhaBaseModel,
  NezhaForPreTraining,
  NezhaForMaskedLM,
  NezhaForNextSentencePrediction,
  NezhaForSequenceClassification,
  NezhaForMultipleChoice,
  NezhaForTokenClassification,
  NezhaForQuestionAnswering,
};
