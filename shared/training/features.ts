import type { ClassificationExample, McExample, NerExample, PairExample, QaExample } from '../datasets/types';
import type { BertTokenizer, Encoding } from '../tokenizer';

/*
 * Dataset records → model rows, as HF's task guides preprocess them:
 * - text / pair classification: tokenizer(text[, pair], truncation=True, max_length);
 * - token classification: label the first token of each word, -100 on special tokens and on the
 *   word's later wordpieces (HF's token classification guide, tokenize_and_align_labels);
 * - question answering: question + context windows (truncation only_second, doc stride); the
 *   answer's start/end token, or [CLS] (0, 0) when the window does not hold the whole answer;
 * - multiple choice: (context, question + choice) per choice.
 */

/** A multi-label record: any number of label names per text. */
export interface MultiLabelExample {
  text: string;
  textB?: string;
  labels: string[];
}

/** A regression record: one number per text (or pair). */
export interface RegressionExample {
  text: string;
  textB?: string;
  value: number;
}

/** One model row. Token arrays are unpadded; collate() pads a batch. */
export interface Feature {
  /** [seq], or [choices][seq] for multiple choice. */
  inputIds: number[] | number[][];
  tokenTypeIds: number[] | number[][];
  /** Class id (single-label, multiple choice). */
  classId?: number;
  /** Multi-hot targets (multi-label) or the target value (regression, one element). */
  targets?: number[];
  /** Per-token class ids with -100 (token classification, masked LM). */
  tokenLabels?: number[];
  /** QA: answer token positions in this window (0 = [CLS] when absent). */
  startPosition?: number;
  endPosition?: number;
  /** Index of the source example (QA windows and evaluation map back through it). */
  exampleIndex: number;
  /** QA: the window's encoding (offsets for decoding a predicted span). */
  encoding?: Encoding;
}

export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDataError';
  }
}

/** Label names in a stable order: sorted by code point, as the label list a person reads. */
export function labelNames(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort();
}

/** BIO tag names for entity types: O, then B-/I- per type (sorted). */
export function bioLabelNames(types: Iterable<string>): string[] {
  const sorted = [...new Set(types)].sort();
  return ['O', ...sorted.flatMap((type) => [`B-${type}`, `I-${type}`])];
}

function labelId(label2id: ReadonlyMap<string, number>, label: string, where: string): number {
  const id = label2id.get(label);
  if (id === undefined) {
    throw new TrainingDataError(
      `${where}: label "${label}" is not one of the model's labels (${[...label2id.keys()].join(', ')}); relabel the record or train with a label list that includes it`,
    );
  }
  return id;
}

export function classificationFeatures(
  examples: readonly (ClassificationExample | PairExample)[],
  tokenizer: BertTokenizer,
  label2id: ReadonlyMap<string, number>,
  maxLength: number,
): Feature[] {
  return examples.map((example, index) => {
    const [a, b] = 'textA' in example ? [example.textA, example.textB] : [example.text, null];
    const encoding = tokenizer.encode(a, b, { truncation: true, maxLength });
    return {
      inputIds: encoding.inputIds,
      tokenTypeIds: encoding.tokenTypeIds,
      classId: labelId(label2id, example.label, `record ${index + 1}`),
      exampleIndex: index,
    };
  });
}

export function multiLabelFeatures(
  examples: readonly MultiLabelExample[],
  tokenizer: BertTokenizer,
  label2id: ReadonlyMap<string, number>,
  maxLength: number,
): Feature[] {
  return examples.map((example, index) => {
    const encoding = tokenizer.encode(example.text, example.textB ?? null, { truncation: true, maxLength });
    const targets = new Array<number>(label2id.size).fill(0);
    for (const label of example.labels) targets[labelId(label2id, label, `record ${index + 1}`)] = 1;
    return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, targets, exampleIndex: index };
  });
}

export function regressionFeatures(
  examples: readonly RegressionExample[],
  tokenizer: BertTokenizer,
  maxLength: number,
): Feature[] {
  return examples.map((example, index) => {
    if (!Number.isFinite(example.value)) {
      throw new TrainingDataError(
        `record ${index + 1}: regression target ${example.value} is not a finite number`,
      );
    }
    const encoding = tokenizer.encode(example.text, example.textB ?? null, { truncation: true, maxLength });
    return {
      inputIds: encoding.inputIds,
      tokenTypeIds: encoding.tokenTypeIds,
      targets: [example.value],
      exampleIndex: index,
    };
  });
}

/** Per code point of `text`: the BIO tag name from the gold spans (O outside every span). */
export function charTags(example: NerExample): string[] {
  const length = [...example.text].length;
  const tags = new Array<string>(length).fill('O');
  for (const span of example.spans) {
    if (span.start < 0 || span.end > length || span.start >= span.end) {
      throw new TrainingDataError(
        `entity ${span.label} [${span.start}, ${span.end}) lies outside the ${length}-character text "${example.text.slice(0, 30)}…"`,
      );
    }
    for (let i = span.start; i < span.end; i++) tags[i] = `${i === span.start ? 'B' : 'I'}-${span.label}`;
  }
  return tags;
}

/**
 * HF's tokenize_and_align_labels: the first token of each word gets the tag of its first
 * character, later wordpieces of the word and special tokens get -100.
 */
export function tokenClassificationFeatures(
  examples: readonly NerExample[],
  tokenizer: BertTokenizer,
  label2id: ReadonlyMap<string, number>,
  maxLength: number,
): Feature[] {
  return examples.map((example, index) => {
    const encoding = tokenizer.encode(example.text, null, { truncation: true, maxLength });
    const tags = charTags(example);
    let previousWord: number | null = null;
    const tokenLabels = encoding.wordIds.map((word, t) => {
      const span = encoding.codePointOffsets[t];
      if (word === null || span === null) {
        previousWord = null;
        return -100;
      }
      const first = word !== previousWord;
      previousWord = word;
      return first ? labelId(label2id, tags[span[0]], `record ${index + 1}`) : -100;
    });
    return {
      inputIds: encoding.inputIds,
      tokenTypeIds: encoding.tokenTypeIds,
      tokenLabels,
      exampleIndex: index,
    };
  });
}

/**
 * HF's QA preprocessing: windows of (question, context) with `docStride` shared tokens; the
 * first answer's start/end token when the window holds all of it, else (0, 0).
 */
export function questionAnsweringFeatures(
  examples: readonly QaExample[],
  tokenizer: BertTokenizer,
  maxLength: number,
  docStride: number,
): Feature[] {
  const features: Feature[] = [];
  examples.forEach((example, index) => {
    const windows = tokenizer.encodeWindows(example.question, example.context, {
      maxLength,
      stride: docStride,
      truncation: 'only_second',
    });
    const answer = example.answers.find((a) => a.start >= 0);
    for (const encoding of windows) {
      let startPosition = 0;
      let endPosition = 0;
      if (answer !== undefined) {
        const startChar = answer.start;
        const endChar = answer.start + [...answer.text].length;
        let first = -1;
        let last = -1;
        for (let t = 0; t < encoding.inputIds.length; t++) {
          const span = encoding.codePointOffsets[t];
          if (encoding.sequenceIds[t] !== 1 || span === null) continue;
          if (first < 0) first = t;
          last = t;
        }
        const firstSpan = first >= 0 ? encoding.codePointOffsets[first] : null;
        const lastSpan = last >= 0 ? encoding.codePointOffsets[last] : null;
        if (firstSpan && lastSpan && firstSpan[0] <= startChar && lastSpan[1] >= endChar) {
          let s = first;
          while (s <= last && encoding.codePointOffsets[s]![1] <= startChar) s++;
          let e = last;
          while (e >= first && encoding.codePointOffsets[e]![0] >= endChar) e--;
          startPosition = s;
          endPosition = e;
        }
      }
      features.push({
        inputIds: encoding.inputIds,
        tokenTypeIds: encoding.tokenTypeIds,
        startPosition,
        endPosition,
        exampleIndex: index,
        encoding,
      });
    }
  });
  return features;
}

/**
 * Multiple choice: one (context, question + choice) row per choice, truncating the context.
 * Questions with fewer choices than `numChoices` are padded with "无效答案" ("invalid answer"),
 * as the CLUE C3 baseline does, so every row of a batch has the same number of choices.
 */
export function multipleChoiceFeatures(
  examples: readonly McExample[],
  tokenizer: BertTokenizer,
  maxLength: number,
  numChoices: number,
): Feature[] {
  return examples.map((example, index) => {
    if (example.choices.length > numChoices) {
      throw new TrainingDataError(
        `record ${index + 1} has ${example.choices.length} choices but the model takes ${numChoices}; raise numChoices`,
      );
    }
    const choices = [...example.choices];
    while (choices.length < numChoices) choices.push('无效答案');
    const rows = choices.map((choice) =>
      tokenizer.encode(example.context, `${example.question}${choice}`, {
        truncation: 'only_first',
        maxLength,
      }),
    );
    return {
      inputIds: rows.map((r) => r.inputIds),
      tokenTypeIds: rows.map((r) => r.tokenTypeIds),
      classId: example.answer,
      exampleIndex: index,
    };
  });
}
