/**
 * Benchmark section "tokenizer": tokenizing the whole MSRA NER test set (3442 sentences, 172,601
 * characters) with offsets, against references measured in the same run on the same sentences:
 * a plain JS loop over every code point, and String.prototype.normalize('NFC').
 * Run alone: `npx tsx scripts/bench/tokenizer.ts`; scripts/bench.ts registers it as a section.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BertTokenizer, Vocab } from '../../shared/tokenizer';

export interface TokenizerBenchResult {
  section: 'tokenizer';
  sentences: number;
  characters: number;
  tokens: number;
  /** Median wall time of tokenizer.encode over all sentences, offsets included. */
  encodeMs: number;
  tokenizeMs: number;
  charactersPerSecond: number;
  reference: { codePointLoopMs: number; normalizeNfcMs: number };
  /** encodeMs / normalizeNfcMs and encodeMs / codePointLoopMs. */
  ratio: { toNormalize: number; toCodePointLoop: number };
}

const root = new URL('../../fixtures/', import.meta.url);

export function loadMsraTestSentences(): string[] {
  const raw = readFileSync(new URL('datasets/msra_ner/msra_test_bio.txt', root), 'utf8');
  const sentences: string[] = [];
  let current = '';
  for (const line of raw.split('\n')) {
    if (line.trim() === '') {
      if (current) sentences.push(current);
      current = '';
    } else {
      current += line.split('\t')[0];
    }
  }
  if (current) sentences.push(current);
  return sentences;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(repeats: number, fn: () => void): number {
  fn(); // warm-up: JIT and caches
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

export async function runTokenizerBench(repeats = 7): Promise<TokenizerBenchResult> {
  const tokenizer = new BertTokenizer(
    Vocab.fromText(readFileSync(new URL('vocab/bert-base-chinese-vocab.txt', root), 'utf8')),
  );
  const sentences = loadMsraTestSentences();
  let characters = 0;
  for (const s of sentences) for (const _ of s) characters++;
  let tokens = 0;
  let sink = 0;
  const encodeMs = time(repeats, () => {
    tokens = 0;
    for (const s of sentences) tokens += tokenizer.encode(s).inputIds.length;
  });
  const tokenizeMs = time(repeats, () => {
    for (const s of sentences) sink += tokenizer.tokenizeWithOffsets(s).ids.length;
  });
  const codePointLoopMs = time(repeats, () => {
    for (const s of sentences) for (let i = 0; i < s.length; i++) sink += s.codePointAt(i) as number;
  });
  const normalizeNfcMs = time(repeats, () => {
    for (const s of sentences) sink += s.normalize('NFC').length;
  });
  if (sink === -1) console.log(sink); // keeps the reference loops from being optimised away
  return {
    section: 'tokenizer',
    sentences: sentences.length,
    characters,
    tokens,
    encodeMs,
    tokenizeMs,
    charactersPerSecond: Math.round((characters / encodeMs) * 1000),
    reference: { codePointLoopMs, normalizeNfcMs },
    ratio: { toNormalize: encodeMs / normalizeNfcMs, toCodePointLoop: encodeMs / codePointLoopMs },
  };
}

export function formatTokenizerBench(r: TokenizerBenchResult): string {
  return [
    `tokenizer: MSRA NER test set, ${r.sentences} sentences, ${r.characters} characters → ${r.tokens} tokens`,
    `  encode (with offsets)     ${r.encodeMs.toFixed(1)} ms  (${(r.charactersPerSecond / 1e6).toFixed(2)} M chars/s)`,
    `  tokenizeWithOffsets       ${r.tokenizeMs.toFixed(1)} ms`,
    `  reference: code-point loop ${r.reference.codePointLoopMs.toFixed(2)} ms, normalize('NFC') ${r.reference.normalizeNfcMs.toFixed(2)} ms`,
    `  ratio: ${r.ratio.toNormalize.toFixed(1)}x normalize, ${r.ratio.toCodePointLoop.toFixed(1)}x code-point loop`,
  ].join('\n');
}

/** The section as scripts/bench.ts's registry expects: a name and a run that returns printable results. */
export const tokenizerBenchSection = {
  name: 'tokenizer',
  summary: 'BertTokenizer over the MSRA NER test set (172,601 chars), vs a code-point loop and normalize()',
  async run(): Promise<{ result: TokenizerBenchResult; text: string }> {
    const result = await runTokenizerBench();
    return { result, text: formatTokenizerBench(result) };
  },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatTokenizerBench(await runTokenizerBench()));
}
