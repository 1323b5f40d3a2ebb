/**
 * A nesting limit for JSON read from files. JSON.parse itself copes with a million nested arrays, but
 * everything that walks the value afterwards (validation, key sorting, structured clone, IPC) recurses and
 * dies with "Maximum call stack size exceeded", naming no file. A scan before parsing finds the first
 * place nested deeper than the limit, so the error can name file, line and column.
 */

/** Python's json module gives up near 1,000 levels too; real files nest a handful. */
export const MAX_JSON_DEPTH = 1000;

export interface JsonDepthViolation {
  /** UTF-16 offset of the bracket that went one level too deep. */
  offset: number;
  /** 1-based line and column of that bracket. */
  line: number;
  column: number;
}

/**
 * The first `[` or `{` nested deeper than `limit` in `text` (brackets inside strings do not count), or
 * null. One pass over the text, no allocation.
 */
export function findExcessJsonNesting(text: string, limit = MAX_JSON_DEPTH): JsonDepthViolation | null {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
      else if (code === 0x0a) {
        line++;
        lineStart = i + 1;
      }
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > limit) return { offset: i, line, column: i - lineStart + 1 };
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      if (depth > 0) depth--;
    } else if (code === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return null;
}
