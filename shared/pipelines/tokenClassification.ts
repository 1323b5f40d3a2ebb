import type { BertTokenizer, Encoding, TokenizedText } from '../tokenizer';
import { utf16ToCodePointIndex } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { runEncodings } from './execute';
import { argmax, softmax } from './math';
import type { ModelRunner } from './modelRunner';

/** HF TokenClassificationPipeline's aggregation strategies. */
export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';
/** How label names encode entity boundaries. 'auto' picks BIOES if any label starts E-/S-, else BIO. */
export type LabelScheme = 'BIO' | 'BIOES' | 'IO' | 'auto';

/** One token before aggregation (HF's pre_entity): its class probabilities and its span. */
export interface PreEntity {
  word: string;
  scores: ArrayLike<number>;
  start: number;
  end: number;
  index: number;
  isSubword: boolean;
}

/** strategy 'none': one per token, with the full label (e.g. "B-PER"). */
export interface TokenEntity {
  entity: string;
  score: number;
  index: number;
  word: string;
  start: number;
  end: number;
}

/** Other strategies: grouped entities with the label's type (e.g. "PER"). */
export interface EntityGroup {
  entityGroup: string;
  score: number;
  word: string;
  start: number;
  end: number;
}

type Prefix = 'B' | 'I' | 'E' | 'S';

/** HF get_tag, extended for BIOES (E- ends an entity, S- is a one-token entity; M- reads as I-). */
function parseTag(label: string, scheme: Exclude<LabelScheme, 'auto'>): [Prefix, string] {
  if (label.startsWith('B-')) return ['B', label.slice(2)];
  if (label.startsWith('I-')) return ['I', label.slice(2)];
  if (scheme === 'BIOES') {
    if (label.startsWith('E-')) return ['E', label.slice(2)];
    if (label.startsWith('S-')) return ['S', label.slice(2)];
    if (label.startsWith('M-')) return ['I', label.slice(2)];
  }
  // Not in prefix form: a continuation, as HF defaults to I-.
  return ['I', label];
}

export function detectScheme(labels: readonly string[]): Exclude<LabelScheme, 'auto'> {
  if (labels.some((l) => l.startsWith('E-') || l.startsWith('S-'))) return 'BIOES';
  if (labels.some((l) => l.startsWith('B-'))) return 'BIO';
  return 'IO';
}

/** HF convert_tokens_to_string for WordPiece: join with spaces and glue "##" pieces. */
export function joinWordPieces(tokens: readonly string[]): string {
  return tokens.join(' ').replaceAll(' ##', '').trim();
}

export interface AggregateOptions {
  scheme?: LabelScheme;
  /** How the tokens of an entity become its `word` (default: HF's WordPiece join). */
  joinTokens?: (tokens: string[]) => string;
}

function labelOf(id2label: readonly string[], index: number): string {
  const label = id2label[index];
  if (label === undefined) {
    throw new Error(
      `The model scored ${index + 1}+ classes but id2label has only ${id2label.length} labels; fix id2label in config.json.`,
    );
  }
  return label;
}

function aggregateWord(
  group: PreEntity[],
  strategy: 'first' | 'average' | 'max',
  id2label: readonly string[],
  join: (t: string[]) => string,
): TokenEntity {
  const word = join(group.map((e) => e.word));
  let scores: ArrayLike<number>;
  if (strategy === 'first') scores = group[0].scores;
  else if (strategy === 'max') {
    let best = group[0];
    let bestMax = -Infinity;
    for (const e of group) {
      const m = Math.max(...Array.from(e.scores));
      if (m > bestMax) {
        bestMax = m;
        best = e;
      }
    }
    scores = best.scores;
  } else {
    const sum = new Float64Array(group[0].scores.length);
    for (const e of group) for (let k = 0; k < sum.length; k++) sum[k] += e.scores[k];
    for (let k = 0; k < sum.length; k++) sum[k] /= group.length;
    scores = sum;
  }
  const idx = argmax(scores);
  return {
    entity: labelOf(id2label, idx),
    score: scores[idx],
    index: group[0].index,
    word,
    start: group[0].start,
    end: group[group.length - 1].end,
  };
}

function groupEntities(
  entities: TokenEntity[],
  scheme: Exclude<LabelScheme, 'auto'>,
  join: (t: string[]) => string,
): EntityGroup[] {
  const groups: EntityGroup[] = [];
  let current: TokenEntity[] = [];
  let lastPrefix: Prefix = 'I';
  let lastTag = '';
  const close = (): void => {
    if (current.length === 0) return;
    const scores = current.map((e) => e.score).filter((s) => !Number.isNaN(s));
    groups.push({
      entityGroup: lastTagOf(current[0].entity, scheme),
      score: scores.reduce((a, b) => a + b, 0) / scores.length,
      word: join(current.map((e) => e.word)),
      start: current[0].start,
      end: current[current.length - 1].end,
    });
    current = [];
  };
  for (const entity of entities) {
    const [prefix, tag] = parseTag(entity.entity, scheme);
    const continues =
      current.length > 0 &&
      tag === lastTag &&
      prefix !== 'B' &&
      prefix !== 'S' &&
      lastPrefix !== 'E' &&
      lastPrefix !== 'S';
    if (!continues) close();
    current.push(entity);
    lastPrefix = prefix;
    lastTag = tag;
  }
  close();
  return groups;
}

/** HF group_sub_entities: the group's type is the first entity's label without its prefix. */
function lastTagOf(label: string, scheme: Exclude<LabelScheme, 'auto'>): string {
  return parseTag(label, scheme)[1];
}

/**
 * HF TokenClassificationPipeline.aggregate: 'none' returns one entity per token; 'simple' groups
 * consecutive tokens by tag; 'first' / 'average' / 'max' first merge sub-word tokens into words
 * (label from the first token / the averaged scores / the most confident token) and then group.
 */
export function aggregate(
  preEntities: readonly PreEntity[],
  strategy: 'none',
  id2label: readonly string[],
  options?: AggregateOptions,
): TokenEntity[];
export function aggregate(
  preEntities: readonly PreEntity[],
  strategy: Exclude<AggregationStrategy, 'none'>,
  id2label: readonly string[],
  options?: AggregateOptions,
): EntityGroup[];
export function aggregate(
  preEntities: readonly PreEntity[],
  strategy: AggregationStrategy,
  id2label: readonly string[],
  options?: AggregateOptions,
): TokenEntity[] | EntityGroup[];
export function aggregate(
  preEntities: readonly PreEntity[],
  strategy: AggregationStrategy,
  id2label: readonly string[],
  options: AggregateOptions = {},
): TokenEntity[] | EntityGroup[] {
  const scheme =
    options.scheme === undefined || options.scheme === 'auto' ? detectScheme(id2label) : options.scheme;
  const join = options.joinTokens ?? joinWordPieces;
  if (strategy === 'none' || strategy === 'simple') {
    const entities = preEntities.map((e) => {
      const idx = argmax(e.scores);
      return {
        entity: labelOf(id2label, idx),
        score: e.scores[idx],
        index: e.index,
        word: e.word,
        start: e.start,
        end: e.end,
      };
    });
    return strategy === 'none' ? entities : groupEntities(entities, scheme, join);
  }
  const words: TokenEntity[] = [];
  let group: PreEntity[] = [];
  for (const e of preEntities) {
    if (group.length > 0 && !e.isSubword) {
      words.push(aggregateWord(group, strategy, id2label, join));
      group = [];
    }
    group.push(e);
  }
  if (group.length > 0) words.push(aggregateWord(group, strategy, id2label, join));
  return groupEntities(words, scheme, join);
}

/** An entity (or, with strategy 'none', a labelled token) as a span of the original text. */
export interface Entity {
  /** Entity type ("PER"); with strategy 'none' the token's full label ("B-PER"). */
  type: string;
  score: number;
  /** The original text of the span (not the normalised tokens). */
  text: string;
  /** Code-point span [start, end) — what annotations store. */
  start: number;
  end: number;
  /** The same span in UTF-16 code units (JS string indices). */
  startUtf16: number;
  endUtf16: number;
}

export interface DecodeEntitiesOptions extends AggregateOptions {
  aggregation?: AggregationStrategy;
  /** Labels (or, grouped, types) to drop; default ["O"] as HF. */
  ignoreLabels?: readonly string[];
}

/**
 * Entities of one text from per-token class probabilities (one row per token of
 * `tokenized`, no special tokens). Spans are exact spans of the original text.
 */
export function decodeEntities(
  tokenized: TokenizedText,
  probabilities: readonly ArrayLike<number>[],
  id2label: readonly string[],
  options: DecodeEntitiesOptions = {},
): Entity[] {
  if (probabilities.length !== tokenized.tokens.length) {
    throw new Error(
      `decodeEntities: ${probabilities.length} score rows for ${tokenized.tokens.length} tokens.`,
    );
  }
  const { text } = tokenized;
  const preEntities: PreEntity[] = tokenized.tokens.map((token, k) => ({
    word: token,
    scores: probabilities[k],
    start: tokenized.starts[k],
    end: tokenized.ends[k],
    index: k,
    // WordPiece continuation: same pre-tokenizer word as the token before (the "##" pieces).
    isSubword: k > 0 && tokenized.wordIds[k] === tokenized.wordIds[k - 1],
  }));
  const strategy = options.aggregation ?? 'simple';
  const ignore = new Set(options.ignoreLabels ?? ['O']);
  const codePoints = utf16ToCodePointIndex(text);
  const toEntity = (type: string, score: number, start: number, end: number): Entity => ({
    type,
    score,
    text: text.slice(start, end),
    start: codePoints[start],
    end: codePoints[end],
    startUtf16: start,
    endUtf16: end,
  });
  if (strategy === 'none') {
    return aggregate(preEntities, 'none', id2label, options)
      .filter((e) => !ignore.has(e.entity))
      .map((e) => toEntity(e.entity, e.score, e.start, e.end));
  }
  return aggregate(preEntities, strategy, id2label, options)
    .filter((g) => !ignore.has(g.entityGroup))
    .map((g) => toEntity(g.entityGroup, g.score, g.start, g.end));
}

/**
 * Per-token logits of a long text from its overlapping windows: each token takes its row from the
 * window where it sits farthest from a window edge, so every token is decoded once, with the most
 * context, and entities are neither duplicated nor cut at window borders.
 */
export function mergeWindowLogits(
  numTokens: number,
  windows: readonly { encoding: Encoding; logits: { data: ArrayLike<number>; shape: number[] } }[],
): Float64Array[] {
  const merged = new Array<Float64Array | undefined>(numTokens);
  const margin = new Array<number>(numTokens).fill(-1);
  for (const { encoding, logits } of windows) {
    const numLabels = logits.shape[logits.shape.length - 1];
    const first = encoding.sequenceIds.indexOf(0);
    if (first < 0) continue;
    let count = 0;
    while (first + count < encoding.sequenceIds.length && encoding.sequenceIds[first + count] === 0) count++;
    for (let j = 0; j < count; j++) {
      const token = encoding.windowTokenStart + j;
      const distance = Math.min(j, count - 1 - j);
      if (distance > margin[token]) {
        margin[token] = distance;
        const row = (first + j) * numLabels;
        merged[token] = Float64Array.from({ length: numLabels }, (_, c) => logits.data[row + c]);
      }
    }
  }
  return merged.map((row, k) => {
    if (!row)
      throw new Error(`mergeWindowLogits: token ${k} is in no window; the windows do not cover the text.`);
    return row;
  });
}

export interface TokenClassificationOptions extends DecodeEntitiesOptions, BatchingOptions {
  /** Label names by class index (config.json id2label). */
  id2label: readonly string[];
  /** Window length in tokens (default: the tokenizer's model_max_length). */
  maxLength?: number;
  /** Tokens shared by consecutive windows of a long text (default: a quarter of the window, at most 64). */
  stride?: number;
}

/**
 * How unsure the model is about one text: 1 - the lowest per-token confidence (the probability of the
 * token's own argmax label), so a sentence with one shaky token ranks high even when no entity was found
 * there. 0 for a text with no tokens. This is what the Annotate queue orders by (least confident first).
 */
export function tokenUncertainty(probabilities: readonly ArrayLike<number>[]): number {
  let lowest = 1;
  for (const row of probabilities) {
    let best = 0;
    for (let k = 0; k < row.length; k++) if (row[k] > best) best = row[k];
    if (best < lowest) lowest = best;
  }
  return probabilities.length === 0 ? 0 : Math.max(0, Math.min(1, 1 - lowest));
}

export interface ScoredEntities {
  entities: Entity[];
  /** tokenUncertainty of the text. */
  uncertainty: number;
}

/**
 * NER over texts of any length: windows with stride, length-sorted batches through the model,
 * windows merged per token, then HF aggregation into entities with exact original spans.
 */
export async function runTokenClassification(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  texts: readonly string[],
  options: TokenClassificationOptions,
): Promise<Entity[][]> {
  return (await runTokenClassificationScored(tokenizer, runner, texts, options)).map((r) => r.entities);
}

/** runTokenClassification, with each text's token uncertainty next to its entities. */
export async function runTokenClassificationScored(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  texts: readonly string[],
  options: TokenClassificationOptions,
): Promise<ScoredEntities[]> {
  const maxLength = options.maxLength ?? tokenizer.settings.modelMaxLength;
  const stride = options.stride ?? Math.min(64, Math.floor((maxLength - 2) / 4));
  const windows = tokenizer.encodeBatchWindows(texts, { maxLength, stride });
  const outputs = await runEncodings(windows, runner, {
    ...options,
    padId: tokenizer.padId,
    padToken: tokenizer.settings.padToken,
    outputs: [{ name: 'logits', level: 'token' }],
  });
  const byText = texts.map(
    () => [] as { encoding: Encoding; logits: { data: ArrayLike<number>; shape: number[] } }[],
  );
  windows.forEach((w, k) =>
    byText[w.overflowToSampleMapping].push({ encoding: w, logits: outputs[k].logits! }),
  );
  return texts.map((text, i) => {
    const tokenized = tokenizer.tokenizeWithOffsets(text);
    if (tokenized.tokens.length === 0) return { entities: [], uncertainty: 0 };
    const logits = mergeWindowLogits(tokenized.tokens.length, byText[i]);
    const numLabels = logits[0].length;
    if (numLabels !== options.id2label.length) {
      throw new Error(
        `The model outputs ${numLabels} classes per token but id2label has ${options.id2label.length} labels; they must match.`,
      );
    }
    const probabilities = logits.map((row) => softmax(row));
    return {
      entities: decodeEntities(tokenized, probabilities, options.id2label, options),
      uncertainty: tokenUncertainty(probabilities),
    };
  });
}
