/**
 * CMRC 2018 exact match and F1, ported from the official evaluation script
 * (ymcui/cmrc2018, squad-style-data/cmrc2018_evaluate.py, "v5 - special", Python 2):
 *
 * - `mixed_segmentation(text, rm_punc=True)`: lowercase and strip; drop the script's punctuation list; each
 *   Chinese character in [\u4e00-\u9fa5] (and each kept punctuation mark) is its own segment; every other run
 *   (Latin letters, digits, spaces, other symbols) goes through NLTK's word tokenizer (./nltkTreebank).
 * - F1 = harmonic mean of precision and recall of the longest common CONTIGUOUS run of segments (the script's
 *   `find_lcs`), maximised over the reference answers.
 * - EM = 1 when the prediction equals some reference after `remove_punctuation` (lowercase, strip, drop the
 *   punctuation list; inner spaces are kept).
 * - Both are summed over ALL questions of the dataset (unanswered ones score 0) and reported × 100.
 *
 * Quirks kept on purpose: the list holds '……' as one two-character item, so a single '…' is never removed;
 * ASCII '.', ',', '!', '?', '"', "'", '(' and ')' are not in the list either.
 */
import { PY_WHITESPACE, treebankWordTokenize } from './nltkTreebank';

/** The script's `sp_char` list, verbatim. */
export const CMRC_PUNCTUATION: readonly string[] = [
  '-', ':', '_', '*', '^', '/', '\\', '~', '`', '+', '=',
  '，', '。', '：', '？', '！', '“', '”', '；', '’', '《', '》', '……', '·', '、',
  '「', '」', '（', '）', '－', '～', '『', '』',
]; // prettier-ignore
const PUNCTUATION_SET = new Set(CMRC_PUNCTUATION);
const CHINESE = /[\u4e00-\u9fa5]/;
const STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'gu');

/** Python 2 `unicode.lower().strip()`: simple per-character lowercase mapping (İ → i), Python whitespace. */
function lowerStrip(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += Array.from(lower).length === 1 ? lower : ch === '\u0130' ? 'i' : lower;
  }
  return out.replace(STRIP, '');
}

/** `mixed_segmentation(in_str, rm_punc)` from the official script. */
export function cmrcMixedSegmentation(text: string, removePunctuation = false): string[] {
  const segments: string[] = [];
  let run = '';
  for (const ch of lowerStrip(text)) {
    if (removePunctuation && PUNCTUATION_SET.has(ch)) continue;
    if (CHINESE.test(ch) || PUNCTUATION_SET.has(ch)) {
      if (run !== '') {
        segments.push(...treebankWordTokenize(run));
        run = '';
      }
      segments.push(ch);
    } else {
      run += ch;
    }
  }
  if (run !== '') segments.push(...treebankWordTokenize(run));
  return segments;
}

/** `remove_punctuation(in_str)` from the official script. */
export function cmrcRemovePunctuation(text: string): string {
  let out = '';
  for (const ch of lowerStrip(text)) if (!PUNCTUATION_SET.has(ch)) out += ch;
  return out;
}

/** `find_lcs(s1, s2)`: the longest common contiguous run of two segment lists (first one found in s1). */
export function cmrcFindLcs(s1: readonly string[], s2: readonly string[]): { lcs: string[]; length: number } {
  let prev = new Int32Array(s2.length + 1);
  let cur = new Int32Array(s2.length + 1);
  let best = 0;
  let end = 0;
  for (let i = 0; i < s1.length; i++) {
    cur.fill(0);
    for (let j = 0; j < s2.length; j++) {
      if (s1[i] === s2[j]) {
        cur[j + 1] = prev[j] + 1;
        if (cur[j + 1] > best) {
          best = cur[j + 1];
          end = i + 1;
        }
      }
    }
    [prev, cur] = [cur, prev];
  }
  return { lcs: s1.slice(end - best, end), length: best };
}

function checkAnswers(answers: readonly string[], where: string): void {
  if (!Array.isArray(answers) || answers.length === 0) {
    throw new RangeError(
      `${where}: a question needs at least one reference answer (the official script fails on max([])).`,
    );
  }
}

/** `calc_f1_score(answers, prediction)`: in [0, 1], maximised over the references. */
export function cmrcF1(answers: readonly string[], prediction: string): number {
  checkAnswers(answers, 'cmrcF1');
  const predictionSegments = cmrcMixedSegmentation(prediction, true);
  let best = 0;
  for (const answer of answers) {
    const answerSegments = cmrcMixedSegmentation(answer, true);
    const { length } = cmrcFindLcs(answerSegments, predictionSegments);
    if (length === 0) continue;
    const precision = length / predictionSegments.length;
    const recall = length / answerSegments.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/** `calc_em_score(answers, prediction)`: 1 or 0. */
export function cmrcExactMatch(answers: readonly string[], prediction: string): number {
  checkAnswers(answers, 'cmrcExactMatch');
  const normalized = cmrcRemovePunctuation(prediction);
  return answers.some((a) => cmrcRemovePunctuation(a) === normalized) ? 1 : 0;
}

/** SQuAD-style CMRC 2018 file: data → paragraphs → qas → answers. Only the fields the metric reads. */
export interface CmrcDataset {
  data: { paragraphs: { qas: { id: string; answers: { text: string }[] }[] }[] }[];
}

export interface CmrcExampleScore {
  id: string;
  answered: boolean;
  em: number;
  f1: number;
}

export interface CmrcEvaluation {
  /** EM and F1 × 100 over all questions, as the script prints them; average = (EM + F1) / 2. */
  em: number;
  f1: number;
  average: number;
  total: number;
  skipped: number;
  /** Per question, in dataset order (for the bootstrap and for error analysis). em and f1 are in [0, 1]. */
  examples: CmrcExampleScore[];
}

/** `evaluate(ground_truth_file, prediction_file)` from the official script. */
export function cmrc2018Evaluate(
  dataset: CmrcDataset,
  predictions: Readonly<Record<string, string>>,
): CmrcEvaluation {
  if (!dataset || !Array.isArray(dataset.data)) {
    throw new TypeError(
      'cmrc2018Evaluate: the dataset must be a SQuAD-style object with a "data" array (CMRC 2018 squad-style-data).',
    );
  }
  const examples: CmrcExampleScore[] = [];
  let em = 0;
  let f1 = 0;
  let skipped = 0;
  dataset.data.forEach((article, a) =>
    article.paragraphs.forEach((paragraph, p) =>
      paragraph.qas.forEach((qa, q) => {
        const id = String(qa.id).trim();
        const answers = qa.answers.map((x) => x.text);
        checkAnswers(answers, `question ${JSON.stringify(id)} (data[${a}].paragraphs[${p}].qas[${q}])`);
        if (!Object.prototype.hasOwnProperty.call(predictions, id)) {
          skipped++;
          examples.push({ id, answered: false, em: 0, f1: 0 });
          return;
        }
        const prediction = String(predictions[id]);
        const exF1 = cmrcF1(answers, prediction);
        const exEm = cmrcExactMatch(answers, prediction);
        f1 += exF1;
        em += exEm;
        examples.push({ id, answered: true, em: exEm, f1: exF1 });
      }),
    ),
  );
  const total = examples.length;
  const f1Score = (100 * f1) / total;
  const emScore = (100 * em) / total;
  return { em: emScore, f1: f1Score, average: (emScore + f1Score) * 0.5, total, skipped, examples };
}
