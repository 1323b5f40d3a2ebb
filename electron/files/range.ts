/**
 * HTTP Range handling for serving file bytes (checkpoint weights), shared by the serve host and the
 * Electron protocol handler. Supports one range per request (what fetch-based readers send):
 * `bytes=a-b`, `bytes=a-`, `bytes=-n`. Per RFC 9110 a malformed or multi-range header is ignored
 * (whole file, 200); a well-formed range that misses the file is 416.
 */

export type RangeRequest =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const singleRange = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'whole' };
  const match = singleRange.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  if (match[1] === '') {
    // Suffix range: the last n bytes.
    const length = Number(match[2]);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

export interface FileResponsePlan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Inclusive byte range to send; null for 416. */
  range: { start: number; end: number } | null;
}

/** Status, headers and byte range for a GET of a `size`-byte file with an optional Range header. */
export function planFileResponse(
  size: number,
  rangeHeader: string | null | undefined,
  contentType: string,
): FileResponsePlan {
  const range = parseRange(rangeHeader, size);
  const base = { 'Accept-Ranges': 'bytes', 'Content-Type': contentType };
  if (range.kind === 'unsatisfiable') {
    return {
      status: 416,
      headers: { ...base, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' },
      range: null,
    };
  }
  if (range.kind === 'partial') {
    return {
      status: 206,
      headers: {
        ...base,
        'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
        'Content-Length': String(range.end - range.start + 1),
      },
      range: { start: range.start, end: range.end },
    };
  }
  return {
    status: 200,
    headers: { ...base, 'Content-Length': String(size) },
    range: size === 0 ? null : { start: 0, end: size - 1 },
  };
}
