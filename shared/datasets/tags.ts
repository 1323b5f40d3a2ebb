/**
 * Tag sequences ↔ spans for the tagging schemes found in Chinese NER corpora.
 *
 * Decoding follows conlleval (and seqeval's default, non-strict mode, which HF's token-classification
 * examples use): a chunk starts at B-/S-, at I-/M-/E- that does not continue a chunk of the same type,
 * and ends before B-/S-/O, after E-/S-, or at a type change. So an `I-PER` with no `B-PER` before it
 * starts a new PER entity. Decoding is the same for every scheme; the scheme only decides which
 * sequences are reported as invalid and how spans are encoded back.
 */
import type { EntitySpan, TagScheme } from './types';

export type TagPrefix = 'B' | 'I' | 'E' | 'S' | 'O';

export interface ParsedTag {
  /** M- (BMES) reads as I-, L- (BILOU) as E-, U- as S-. */
  prefix: TagPrefix;
  /** Entity type; '' for O. */
  type: string;
}

const PREFIX_ALIASES: Record<string, TagPrefix> = { B: 'B', I: 'I', E: 'E', S: 'S', M: 'I', L: 'E', U: 'S' };

/** Parses `B-PER`, `I-LOC`, `M-ORG`, `E-X`, `S-X`, `O`. Returns null for anything else. */
export function parseTag(tag: string): ParsedTag | null {
  if (tag === 'O') return { prefix: 'O', type: '' };
  if (tag.length < 3 || tag.charCodeAt(1) !== 0x2d /* - */) return null;
  const prefix = PREFIX_ALIASES[tag[0]];
  if (!prefix) return null;
  return { prefix, type: tag.slice(2) };
}

/** Same test as `parseTag(tag) !== null`, without allocating (hot loop of the importers). */
export function isTag(tag: string): boolean {
  if (tag === 'O') return true;
  return tag.length >= 3 && tag.charCodeAt(1) === 0x2d && PREFIX_ALIASES[tag[0]] !== undefined;
}

/** Why a tag is invalid under a scheme, by tag index. */
export interface InvalidTag {
  index: number;
  tag: string;
  reason: string;
}

const LEGAL_PREFIXES: Record<TagScheme, string> = {
  BIO: 'BI',
  IOB1: 'BI',
  BIOES: 'BIES',
  BIOS: 'BIS',
  BMES: 'BMES',
  IO: 'I',
};

/**
 * Decodes tags into spans over tag indices (`end` exclusive). Throws on a tag that is not `O` or
 * `<prefix>-<type>`. `onInvalid` hears about sequences the scheme does not allow (they are still
 * decoded the conlleval way, see the file comment).
 */
export function tagsToSpans(
  tags: readonly string[],
  scheme: TagScheme,
  onInvalid?: (invalid: InvalidTag) => void,
): EntitySpan[] {
  const spans: EntitySpan[] = [];
  const legal = LEGAL_PREFIXES[scheme];
  let chunkStart = -1;
  let chunkType = '';
  let prev: ParsedTag = { prefix: 'O', type: '' };
  const parsed: ParsedTag[] = new Array(tags.length);
  for (let i = 0; i < tags.length; i++) {
    const tag = parseTag(tags[i]);
    if (!tag) {
      throw new Error(
        `tag #${i + 1} ${JSON.stringify(tags[i])} is not a ${scheme} tag: expected "O" or a prefix (${legal.split('').join('/')}) + "-" + entity type, e.g. "B-PER"`,
      );
    }
    parsed[i] = tag;
  }
  for (let i = 0; i < parsed.length; i++) {
    const tag = parsed[i];
    const raw = tags[i];
    if (onInvalid) {
      const reason = invalidReason(scheme, raw, tag, prev, i + 1 < parsed.length ? parsed[i + 1] : null);
      if (reason) onInvalid({ index: i, tag: raw, reason });
    }
    // End of the running chunk before this tag?
    if (chunkStart >= 0 && endsBefore(prev, tag)) {
      spans.push({ start: chunkStart, end: i, label: chunkType });
      chunkStart = -1;
    }
    if (tag.prefix !== 'O' && chunkStart < 0) {
      chunkStart = i;
      chunkType = tag.type;
    }
    prev = tag;
  }
  if (chunkStart >= 0) spans.push({ start: chunkStart, end: parsed.length, label: chunkType });
  return spans;
}

/** conlleval's end_of_chunk / start_of_chunk, folded into "does a new tag close the running chunk". */
function endsBefore(prev: ParsedTag, tag: ParsedTag): boolean {
  if (prev.prefix === 'E' || prev.prefix === 'S') return true;
  if (tag.prefix === 'O' || tag.prefix === 'B' || tag.prefix === 'S') return true;
  return tag.type !== prev.type;
}

function invalidReason(
  scheme: TagScheme,
  raw: string,
  tag: ParsedTag,
  prev: ParsedTag,
  next: ParsedTag | null,
): string | null {
  if (tag.prefix === 'O') return null;
  const letter = raw[0];
  if (!LEGAL_PREFIXES[scheme].includes(letter)) return `"${letter}-" is not a ${scheme} prefix`;
  switch (scheme) {
    case 'BIO':
    case 'BIOS':
      if (tag.prefix === 'I' && !(prev.type === tag.type && (prev.prefix === 'B' || prev.prefix === 'I'))) {
        return `${raw} does not follow B-${tag.type} or I-${tag.type}`;
      }
      return null;
    case 'IOB1':
      if (tag.prefix === 'B' && prev.type !== tag.type) {
        return `${raw} does not directly follow another ${tag.type} entity (IOB1 uses B- only between two adjacent entities of the same type)`;
      }
      return null;
    case 'IO':
      return null;
    case 'BIOES':
    case 'BMES': {
      const mid = scheme === 'BMES' ? 'M' : 'I';
      const continues = prev.type === tag.type && (prev.prefix === 'B' || prev.prefix === 'I');
      if ((tag.prefix === 'I' || tag.prefix === 'E') && !continues) {
        return `${raw} does not follow B-${tag.type} or ${mid}-${tag.type}`;
      }
      if (
        (tag.prefix === 'B' || tag.prefix === 'I') &&
        !(next && next.type === tag.type && (next.prefix === 'I' || next.prefix === 'E'))
      ) {
        return `${raw} is not followed by ${mid}-${tag.type} or E-${tag.type} (the entity is never closed)`;
      }
      return null;
    }
  }
}

/**
 * Encodes spans over `length` positions as tags. Spans must be inside `[0, length)`, non-empty and
 * must not overlap (flat NER); IO cannot separate two adjacent entities of the same type.
 */
export function spansToTags(spans: readonly EntitySpan[], length: number, scheme: TagScheme): string[] {
  const tags: string[] = new Array(length).fill('O');
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  let prevEnd = 0;
  let prevSpan: EntitySpan | null = null;
  for (const span of sorted) {
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end) || span.start < 0 || span.end > length) {
      throw new RangeError(`span [${span.start}, ${span.end}) ${span.label} is outside 0..${length}`);
    }
    if (span.end <= span.start)
      throw new RangeError(`span [${span.start}, ${span.end}) ${span.label} is empty`);
    if (span.start < prevEnd && prevSpan) {
      throw new RangeError(
        `spans [${prevSpan.start}, ${prevSpan.end}) ${prevSpan.label} and [${span.start}, ${span.end}) ${span.label} overlap; tags can only encode flat (non-overlapping) entities`,
      );
    }
    if (!span.label || /\s/.test(span.label)) {
      throw new RangeError(
        `span [${span.start}, ${span.end}) has label ${JSON.stringify(span.label)}; tag labels must be non-empty with no whitespace`,
      );
    }
    const adjacentSameType =
      prevSpan !== null && prevSpan.end === span.start && prevSpan.label === span.label;
    const t = span.label;
    const single = span.end - span.start === 1;
    switch (scheme) {
      case 'BIO':
      case 'BIOS':
        tags[span.start] = scheme === 'BIOS' && single ? `S-${t}` : `B-${t}`;
        for (let i = span.start + 1; i < span.end; i++) tags[i] = `I-${t}`;
        break;
      case 'IOB1':
        for (let i = span.start; i < span.end; i++) tags[i] = `I-${t}`;
        if (adjacentSameType) tags[span.start] = `B-${t}`;
        break;
      case 'IO':
        if (adjacentSameType) {
          throw new RangeError(
            `IO tags cannot separate the adjacent ${t} entities at ${prevSpan!.start} and ${span.start}; use BIO or BIOES`,
          );
        }
        for (let i = span.start; i < span.end; i++) tags[i] = `I-${t}`;
        break;
      case 'BIOES':
      case 'BMES': {
        const mid = scheme === 'BMES' ? 'M' : 'I';
        if (single) {
          tags[span.start] = `S-${t}`;
        } else {
          tags[span.start] = `B-${t}`;
          for (let i = span.start + 1; i < span.end - 1; i++) tags[i] = `${mid}-${t}`;
          tags[span.end - 1] = `E-${t}`;
        }
        break;
      }
    }
    prevEnd = span.end;
    prevSpan = span;
  }
  return tags;
}

/**
 * Guesses the scheme of a corpus from its tags, in order: any M- → BMES; any E- → BIOES; S- without
 * E- → BIOS; any B- → BIO, or IOB1 when every B- directly follows an entity of the same type; only
 * I- → IO.
 * `sequences` yields one tag array per sentence.
 */
export function detectTagScheme(sequences: Iterable<readonly string[]>): TagScheme {
  let hasB = false;
  let hasM = false;
  let hasE = false;
  let hasS = false;
  let hasI = false;
  let bAfterOther = false;
  for (const tags of sequences) {
    let prevType = '';
    for (const raw of tags) {
      const letter = raw[0];
      const tag = parseTag(raw);
      if (!tag) continue;
      if (letter === 'M') hasM = true;
      else if (tag.prefix === 'E') hasE = true;
      else if (tag.prefix === 'S') hasS = true;
      else if (tag.prefix === 'B') {
        hasB = true;
        if (prevType !== tag.type) bAfterOther = true;
      } else if (tag.prefix === 'I') hasI = true;
      prevType = tag.type;
    }
  }
  if (hasM) return 'BMES';
  if (hasE) return 'BIOES';
  if (hasS) return 'BIOS';
  if (hasB) return bAfterOther || !hasI ? 'BIO' : 'IOB1';
  return hasI ? 'IO' : 'BIO';
}

/** Sorts spans by start, then end, then label (a canonical order for comparing records). */
export function sortSpans<T extends EntitySpan>(spans: readonly T[]): T[] {
  return [...spans].sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
}
