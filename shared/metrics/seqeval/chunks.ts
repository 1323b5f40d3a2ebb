/**
 * seqeval 1.2.2's DEFAULT mode, `seqeval/metrics/sequence_labeling.py` (`get_entities`, `end_of_chunk`,
 * `start_of_chunk`): the conlleval.pl chunking. An I- after O starts a chunk, a type change ends one and starts
 * another, E-/S- close chunks, and sentences are joined with an 'O' between them.
 */
import { firstCodePoint, lastCodePoint, SeqevalInputError } from './input';

/** A chunk as seqeval's default `get_entities` returns it: type, first and LAST token (inclusive), global offsets. */
export type SeqevalChunk = [type: string, start: number, endInclusive: number];

/** `chunk[0]` and `chunk[1:].split('-', maxsplit=1)[-1] or '_'` (or the suffix variant) from get_entities. */
function splitDefaultTag(chunk: string, suffix: boolean): [tag: string, type: string] {
  if (suffix) {
    const tag = lastCodePoint(chunk);
    const body = chunk.slice(0, chunk.length - tag.length);
    const cut = body.lastIndexOf('-');
    const type = (cut < 0 ? body : body.slice(0, cut)) || '_';
    return [tag, type];
  }
  const tag = firstCodePoint(chunk);
  const body = chunk.slice(tag.length);
  const cut = body.indexOf('-');
  const type = (cut < 0 ? body : body.slice(cut + 1)) || '_';
  return [tag, type];
}

/** seqeval `end_of_chunk(prev_tag, tag, prev_type, type_)`. */
export function seqevalEndOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkEnd = false;
  if (prevTag === 'E') chunkEnd = true;
  if (prevTag === 'S') chunkEnd = true;
  if (prevTag === 'B' && tag === 'B') chunkEnd = true;
  if (prevTag === 'B' && tag === 'S') chunkEnd = true;
  if (prevTag === 'B' && tag === 'O') chunkEnd = true;
  if (prevTag === 'I' && tag === 'B') chunkEnd = true;
  if (prevTag === 'I' && tag === 'S') chunkEnd = true;
  if (prevTag === 'I' && tag === 'O') chunkEnd = true;
  if (prevTag !== 'O' && prevTag !== '.' && prevType !== type) chunkEnd = true;
  return chunkEnd;
}

/** seqeval `start_of_chunk(prev_tag, tag, prev_type, type_)`. */
export function seqevalStartOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  let chunkStart = false;
  if (tag === 'B') chunkStart = true;
  if (tag === 'S') chunkStart = true;
  if (prevTag === 'E' && tag === 'E') chunkStart = true;
  if (prevTag === 'E' && tag === 'I') chunkStart = true;
  if (prevTag === 'S' && tag === 'E') chunkStart = true;
  if (prevTag === 'S' && tag === 'I') chunkStart = true;
  if (prevTag === 'O' && tag === 'E') chunkStart = true;
  if (prevTag === 'O' && tag === 'I') chunkStart = true;
  if (tag !== 'O' && tag !== '.' && prevType !== type) chunkStart = true;
  return chunkStart;
}

const NE_PREFIXES = ['B-', 'I-', 'E-', 'S-'];
const NE_SUFFIXES = ['-B', '-I', '-E', '-S'];
const BARE_TAGS = new Set(['O', 'B', 'I', 'E', 'S']);

function isNeLooking(chunk: string, suffix: boolean): boolean {
  if (BARE_TAGS.has(chunk)) return true;
  return suffix ? NE_SUFFIXES.some((s) => chunk.endsWith(s)) : NE_PREFIXES.some((p) => chunk.startsWith(p));
}

export interface SeqevalEntitiesOptions {
  /** Tags look like `PER-B` instead of `B-PER`. */
  suffix?: boolean;
  /** Receives seqeval's "X seems not to be NE tag." warnings (each distinct tag once). */
  warnings?: string[];
}

/**
 * seqeval's default-mode `get_entities(seq, suffix)`, i.e. conlleval chunking.
 *
 * A list of sentences is flattened with an 'O' after each sentence (as seqeval does), so the offsets are global
 * and a chunk can never run across a sentence break for well-formed tags. Returns `[type, start, endInclusive]`.
 */
export function seqevalEntities(
  seq: readonly string[] | readonly (readonly string[])[],
  options: SeqevalEntitiesOptions = {},
): SeqevalChunk[] {
  const suffix = options.suffix ?? false;
  const nested = seq.some((s) => Array.isArray(s));
  const flat: string[] = [];
  if (nested) {
    for (const sentence of seq as readonly (readonly string[])[]) {
      for (const tag of sentence) flat.push(tag);
      flat.push('O');
    }
  } else {
    for (const tag of seq as readonly string[]) flat.push(tag);
  }
  flat.push('O');

  const warned = new Set<string>();
  let prevTag = 'O';
  let prevType = '';
  let beginOffset = 0;
  const chunks: SeqevalChunk[] = [];
  for (let i = 0; i < flat.length; i++) {
    const chunk = flat[i];
    if (typeof chunk !== 'string' || chunk.length === 0) {
      throw new SeqevalInputError(
        `seqevalEntities: tag at flattened position ${i} is ${JSON.stringify(chunk)}; every tag must be a non-empty string such as "O" or "B-PER".`,
      );
    }
    if (!isNeLooking(chunk, suffix) && !warned.has(chunk)) {
      warned.add(chunk);
      options.warnings?.push(`${chunk} seems not to be NE tag.`);
    }
    const [tag, type] = splitDefaultTag(chunk, suffix);
    if (seqevalEndOfChunk(prevTag, tag, prevType, type)) chunks.push([prevType, beginOffset, i - 1]);
    if (seqevalStartOfChunk(prevTag, tag, prevType, type)) beginOffset = i;
    prevTag = tag;
    prevType = type;
  }
  return chunks;
}
