/**
 * The corpora the builtin models are trained on (scripts/train-demo-model.ts), each with its own seeded
 * held-out and dev slices: the NER text of People's Daily style that is not a test split of what the app
 * benchmarks, ChnSentiCorp, and the raw Chinese text of every dataset for masked-LM pretraining (minus
 * every slice any builtin model reports on).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importDataset } from '../../shared/datasets/importDataset';
import type {
  ClassificationExample,
  McExample,
  NerExample,
  PairExample,
  QaExample,
} from '../../shared/datasets/types';
import { splitTrainDev } from '../../shared/training';

/** The People's Daily NER dev split, committed with the fixtures (the builtin sample corpora come from it). */
export const PEOPLES_DAILY_FILE = 'fixtures/datasets/peoples_daily_ner/example.dev';

/** One corpus with its own seeded held-out (reported, never tuned on), dev (best step) and training slices. */
export interface Source<T> {
  name: string;
  file: string;
  train: T[];
  dev: T[];
  heldOut: T[];
}

export function splitSource<T>(
  name: string,
  file: string,
  records: T[],
  heldOutFraction: number,
  seed: number,
): Source<T> {
  const { train: rest, dev: heldOut } = splitTrainDev(records, heldOutFraction, seed);
  const { train, dev } = splitTrainDev(rest, 0.06, seed + 1);
  return { name, file, train, dev, heldOut };
}

async function importRecords<T>(file: string): Promise<T[]> {
  return importDataset(new Uint8Array(await readFile(file)), { file }).records as T[];
}

/**
 * A long sentence as pieces of at most `maxChars` characters, each cut after a sentence-final mark that no
 * entity spans (MSRA has paragraphs of up to 2,427 characters; the model trains on its first 128 tokens, so
 * without cutting the rest would be thrown away). A piece with no such mark inside stays longer.
 */
export function splitLongSentence(example: NerExample, maxChars: number): NerExample[] {
  if (example.text.length <= maxChars) return [example];
  const inside = new Uint8Array(example.text.length + 1);
  for (const span of example.spans) for (let i = span.start + 1; i < span.end; i++) inside[i] = 1;
  const cuts: number[] = [];
  for (let i = 1; i < example.text.length; i++)
    if (/[。！？；!?;]/.test(example.text[i - 1]) && !inside[i]) cuts.push(i);
  cuts.push(example.text.length);
  const pieces: NerExample[] = [];
  let start = 0;
  let previous = 0;
  const emit = (end: number) => {
    pieces.push({
      text: example.text.slice(start, end),
      spans: example.spans
        .filter((span) => span.start >= start && span.end <= end)
        .map((span) => ({ ...span, start: span.start - start, end: span.end - start })),
    });
    start = end;
  };
  for (const cut of cuts) {
    if (cut - start > maxChars && previous > start) emit(previous);
    previous = cut;
  }
  emit(example.text.length);
  return pieces;
}

/**
 * CLUENER's types that are exactly People's Daily's (null: not an entity there, its characters are O). A
 * sentence with any other type (scene, book, game, movie: places and titles that People's Daily tags
 * differently or not at all) is left out rather than taught wrong.
 */
export const CLUENER_TO_PEOPLES_DAILY: Readonly<Record<string, string | null>> = {
  name: 'PER',
  address: 'LOC',
  organization: 'ORG',
  company: 'ORG',
  government: 'ORG',
  position: null,
};

export function clueNerAsPeoplesDaily(records: readonly NerExample[]): NerExample[] {
  return records
    .filter((r) => r.spans.every((span) => span.label in CLUENER_TO_PEOPLES_DAILY))
    .map((r) => ({
      text: r.text,
      spans: r.spans.flatMap((span) => {
        const label = CLUENER_TO_PEOPLES_DAILY[span.label];
        return label ? [{ ...span, label }] : [];
      }),
    }));
}

/**
 * The NER sources: People's Daily dev (15% held out: the split the builtin sample corpora come from, so it
 * never changes) and, with the shared datasets folder, the MSRA SIGHAN-2006 test file (long paragraphs cut
 * into sentences) and CLUENER dev mapped to PER/LOC/ORG, each 10% held out.
 */
export async function nerSources(
  dataDir: string | undefined,
  seed: number,
  maxChars: number,
): Promise<Source<NerExample>[]> {
  const peoplesDaily = await importRecords<NerExample>(PEOPLES_DAILY_FILE);
  const sources = [splitSource("People's Daily NER dev", PEOPLES_DAILY_FILE, peoplesDaily, 0.15, seed)];
  if (dataDir === undefined) return sources;
  const msra = join(dataDir, 'msra_ner/msra_test_bio.txt');
  const cluener = join(dataDir, 'cluener2020/dev.json');
  const pieces = (await importRecords<NerExample>(msra)).flatMap((r) => splitLongSentence(r, maxChars));
  sources.push(splitSource('MSRA SIGHAN-2006 test', msra, pieces, 0.1, seed + 10));
  const mapped = clueNerAsPeoplesDaily(await importRecords<NerExample>(cluener));
  sources.push(splitSource('CLUENER2020 dev (PER/LOC/ORG)', cluener, mapped, 0.1, seed + 20));
  return sources;
}

/** ChnSentiCorp: trained on the test split (with a dev slice for the best step), reported on the dev split. */
export async function sentimentSource(dataDir: string, seed: number): Promise<Source<ClassificationExample>> {
  const trainFile = join(dataDir, 'chnsenticorp/test.tsv');
  const reportFile = join(dataDir, 'chnsenticorp/dev.tsv');
  const { train, dev } = splitTrainDev(await importRecords<ClassificationExample>(trainFile), 0.1, seed);
  return {
    name: 'ChnSentiCorp (train: test split, report: dev split)',
    file: `${trainFile}; ${reportFile}`,
    train,
    dev,
    heldOut: await importRecords<ClassificationExample>(reportFile),
  };
}

/** The dataset files whose text the masked-LM pretraining reads, besides the NER and sentiment training slices. */
const PRETRAINING_FILES = [
  'lcqmc/dev.txt',
  'lcqmc/test.txt',
  'xnli_zh/dev.tsv',
  'ocnli/dev.json',
  'cmrc2018/cmrc2018_dev.json',
  'cmrc2018/cmrc2018_trial.json',
  'c3/c3-d-dev.json',
  'c3/c3-m-dev.json',
];

/** The texts of one imported record of any task, as documents for masked-LM pretraining. */
function textsOf(record: NerExample | ClassificationExample | PairExample | QaExample | McExample): string[] {
  if ('textA' in record) return [`${record.textA}${record.textB}`];
  if ('context' in record && 'question' in record && 'choices' in record)
    return [`${record.context}${record.question}${record.choices.join('，')}`];
  if ('context' in record) return [record.context, record.question];
  return [record.text];
}

/**
 * Every Chinese text of the shared datasets except what any builtin model reports on: the NER held-out
 * slices and ChnSentiCorp's dev split stay unseen, so pretraining cannot leak them. CMRC contexts repeat
 * once per question; each distinct text is one document.
 */
export async function pretrainingDocuments(
  dataDir: string,
  ner: readonly Source<NerExample>[],
  sentiment: Source<ClassificationExample>,
): Promise<{ documents: string[]; files: string[] }> {
  const texts = new Set<string>();
  for (const source of [...ner, sentiment])
    for (const record of [...source.train, ...source.dev]) texts.add(record.text);
  for (const file of PRETRAINING_FILES)
    for (const record of await importRecords<PairExample | QaExample | McExample>(join(dataDir, file)))
      for (const text of textsOf(record)) texts.add(text);
  const reported = new Set([...ner.flatMap((s) => s.heldOut), ...sentiment.heldOut].map((r) => r.text));
  return {
    documents: [...texts].filter((text) => !reported.has(text) && text.trim().length > 0),
    files: [...ner.map((s) => s.file), sentiment.file, ...PRETRAINING_FILES.map((f) => join(dataDir, f))],
  };
}
