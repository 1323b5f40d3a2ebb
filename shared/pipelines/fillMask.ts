import type { BertTokenizer, CharSpan, Encoding } from '../tokenizer';
import type { BatchingOptions } from './batching';
import { runEncodings } from './execute';
import { logSoftmax, topK as topIndices } from './math';
import type { Logits, ModelRunner } from './modelRunner';

export interface FillCandidate {
  tokenId: number;
  token: string;
  /** The token as text ("##" removed). */
  tokenStr: string;
  /** Softmax probability over the vocabulary. */
  score: number;
  /** The original text with this mask replaced by tokenStr (the other masks left as they are). */
  sequence: string;
}

export interface MaskPrediction {
  /** Token index of the [MASK] in the encoding. */
  tokenIndex: number;
  /** The mask's span in the original text (code points, UTF-16). */
  span: CharSpan | null;
  spanUtf16: CharSpan | null;
  candidates: FillCandidate[];
}

export interface WholeWordCandidate {
  /** The characters filling a run of adjacent masks, e.g. "北京" for "[MASK][MASK]". */
  text: string;
  tokenIds: number[];
  /** Product of the per-position probabilities (positions scored independently, as the MLM does). */
  score: number;
  sequence: string;
}

export interface FillMaskResult {
  masks: MaskPrediction[];
  /** One entry per run of adjacent [MASK] tokens of length ≥ 2: the best whole-word fillings. */
  wholeWords: { tokenIndices: number[]; spanUtf16: CharSpan; candidates: WholeWordCandidate[] }[];
}

export interface FillMaskOptions {
  /** Candidates per mask and per whole word (HF top_k, default 5). */
  topK?: number;
}

function replaceSpan(text: string, span: CharSpan, by: string): string {
  return text.slice(0, span[0]) + by + text.slice(span[1]);
}

/**
 * HF FillMaskPipeline.postprocess for one text: softmax over the vocabulary at each [MASK], top-k
 * tokens. For Chinese, adjacent masks usually stand for one word, so runs of masks also get
 * whole-word candidates: a beam search over the positions (beam = topK) ranking character
 * sequences by the product of their probabilities, using only whole tokens (no "##", no specials).
 */
export function decodeFillMask(
  text: string,
  encoding: Encoding,
  logits: Logits,
  tokenizer: Pick<BertTokenizer, 'maskId' | 'isSpecialId' | 'vocab'>,
  options: FillMaskOptions = {},
): FillMaskResult {
  const k = options.topK ?? 5;
  const vocabSize = logits.shape[logits.shape.length - 1];
  const masks: MaskPrediction[] = [];
  const logProbs = new Map<number, Float64Array>();
  encoding.inputIds.forEach((id, t) => {
    if (id !== tokenizer.maskId) return;
    const lp = logSoftmax(logits.data, t * vocabSize, vocabSize);
    logProbs.set(t, lp);
    const spanUtf16 = encoding.offsets[t];
    masks.push({
      tokenIndex: t,
      span: encoding.codePointOffsets[t],
      spanUtf16,
      candidates: topIndices(lp, k).map((tokenId) => {
        const token = tokenizer.vocab.token(tokenId) ?? '[UNK]';
        const tokenStr = token.startsWith('##') ? token.slice(2) : token;
        return {
          tokenId,
          token,
          tokenStr,
          score: Math.exp(lp[tokenId]),
          sequence: spanUtf16 ? replaceSpan(text, spanUtf16, tokenStr) : text,
        };
      }),
    });
  });
  const wholeWords: FillMaskResult['wholeWords'] = [];
  for (let m = 0; m < masks.length;) {
    let n = m + 1;
    while (n < masks.length && masks[n].tokenIndex === masks[n - 1].tokenIndex + 1) n++;
    const run = masks.slice(m, n);
    m = n;
    if (run.length < 2 || run.some((r) => !r.spanUtf16)) continue;
    let beams: { ids: number[]; logScore: number }[] = [{ ids: [], logScore: 0 }];
    for (const position of run) {
      const lp = logProbs.get(position.tokenIndex)!;
      // Best whole tokens at this position (a few extra, since specials and "##" pieces are skipped).
      const options = topIndices(lp, k * 3)
        .filter((id) => !tokenizer.isSpecialId(id) && !(tokenizer.vocab.token(id) ?? '').startsWith('##'))
        .slice(0, k);
      beams = beams
        .flatMap((b) => options.map((id) => ({ ids: [...b.ids, id], logScore: b.logScore + lp[id] })))
        .sort((a, b) => b.logScore - a.logScore)
        .slice(0, k);
    }
    const spanUtf16: CharSpan = [run[0].spanUtf16![0], run[run.length - 1].spanUtf16![1]];
    wholeWords.push({
      tokenIndices: run.map((r) => r.tokenIndex),
      spanUtf16,
      candidates: beams.map((b) => {
        const word = b.ids.map((id) => tokenizer.vocab.token(id) ?? '').join('');
        return {
          text: word,
          tokenIds: b.ids,
          score: Math.exp(b.logScore),
          sequence: replaceSpan(text, spanUtf16, word),
        };
      }),
    });
  }
  return { masks, wholeWords };
}

/** Fill-mask over texts that contain [MASK] (written literally, as HF expects). */
export async function runFillMask(
  tokenizer: BertTokenizer,
  runner: ModelRunner,
  texts: readonly string[],
  options: FillMaskOptions & BatchingOptions & { maxLength?: number } = {},
): Promise<FillMaskResult[]> {
  const encodings = texts.map((text, i) => {
    const enc = tokenizer.encode(text, null, { truncation: 'longest_first', maxLength: options.maxLength });
    if (!enc.inputIds.includes(tokenizer.maskId)) {
      throw new Error(
        `Text ${i} has no ${tokenizer.settings.maskToken} token (or it was truncated away); write ${tokenizer.settings.maskToken} where a token should be predicted.`,
      );
    }
    return enc;
  });
  const outputs = await runEncodings(encodings, runner, {
    ...options,
    padId: tokenizer.padId,
    padToken: tokenizer.settings.padToken,
    outputs: [{ name: 'logits', level: 'token' }],
  });
  return texts.map((text, i) => decodeFillMask(text, encodings[i], outputs[i].logits!, tokenizer, options));
}
