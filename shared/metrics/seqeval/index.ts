/**
 * Entity-level NER metrics with the exact semantics of seqeval 1.2.2 (chakki-works/seqeval), laid out like
 * seqeval itself:
 *
 * - ./chunks: DEFAULT mode = `seqeval/metrics/sequence_labeling.py` (`get_entities`, `end_of_chunk`,
 *   `start_of_chunk`), the conlleval.pl chunking.
 * - ./schemes: STRICT mode = `seqeval/scheme.py` (IOB1, IOE1, IOB2, IOE2, IOBES, BILOU; `auto_detect`): only
 *   chunks that are well formed in the scheme count.
 * - ./counts: per-sentence, per-type counts (tp, predicted, gold) from tags or spans, and their sums.
 * - ./scores: precision / recall / F, zero division, averages and the report, as `seqeval/metrics/v1.py`
 *   `_precision_recall_fscore_support` computes them from the summed counts.
 *
 * One API difference: here `mode: 'strict'` without a scheme auto-detects it from the gold tags (as seqeval's
 * `classification_report` does); seqeval's `f1_score(mode='strict')` without a scheme silently falls back to
 * default mode instead. Sample weights are not supported.
 *
 * Everything is computed from per-sentence, per-type counts, so the bootstrap in ../bootstrap can resample
 * sentences and recompute exactly the same statistic.
 */
export { SeqevalInputError, checkConsistentLength, compareCodePoints } from './input';
export {
  seqevalEndOfChunk,
  seqevalEntities,
  seqevalStartOfChunk,
  type SeqevalChunk,
  type SeqevalEntitiesOptions,
} from './chunks';
export {
  SEQEVAL_SCHEMES,
  seqevalAutoDetectScheme,
  seqevalSchemeTransition,
  seqevalStrictEntities,
  type SeqevalScheme,
  type StrictEntity,
} from './schemes';
export {
  nerCounts,
  nerCountsFromSpans,
  sumNerCounts,
  type NerCounts,
  type NerOptions,
  type SeqevalMode,
  type SpanSentence,
} from './counts';
export {
  prfFromCounts,
  seqevalAccuracy,
  seqevalClassificationReport,
  seqevalF1,
  seqevalPerformanceMeasure,
  seqevalPrecision,
  seqevalPrecisionRecallFscoreSupport,
  seqevalRecall,
  seqevalReportFromCounts,
  type AverageScores,
  type PerTypeScores,
  type PrfOptions,
  type ReportRow,
  type SeqevalAverage,
  type SeqevalReport,
  type SeqevalScoreOptions,
  type ZeroDivision,
} from './scores';
