import { describe, expect, it } from 'vitest';
import { parseRange, planFileResponse } from './range';
import { mimeTypeFor } from './mime';

describe('parseRange', () => {
  const cases: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 100, { kind: 'whole' }],
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=90-1000', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-1000', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 100, { kind: 'whole' }],
    ['bytes=0-1,5-6', 100, { kind: 'whole' }],
    ['items=0-1', 100, { kind: 'whole' }],
    ['bytes=-', 100, { kind: 'whole' }],
  ];
  for (const [header, size, expected] of cases) {
    it(`${header ?? '(none)'} of ${size} bytes → ${expected.kind}`, () => {
      expect(parseRange(header, size)).toEqual(expected);
    });
  }
});

describe('planFileResponse', () => {
  it('gives 206 with Content-Range, 416 with the size, 200 otherwise', () => {
    expect(planFileResponse(100, 'bytes=10-19', 'application/octet-stream')).toEqual({
      status: 206,
      headers: {
        'Accept-Ranges': 'bytes',
        'Content-Type': 'application/octet-stream',
        'Content-Range': 'bytes 10-19/100',
        'Content-Length': '10',
      },
      range: { start: 10, end: 19 },
    });
    expect(planFileResponse(100, 'bytes=200-', 'x')).toMatchObject({
      status: 416,
      headers: { 'Content-Range': 'bytes */100' },
    });
    expect(planFileResponse(100, null, 'x')).toMatchObject({
      status: 200,
      headers: { 'Content-Length': '100' },
    });
  });
});

it('knows the wasm MIME type', () => {
  expect(mimeTypeFor('tfjs-backend-wasm-simd.wasm')).toBe('application/wasm');
  expect(mimeTypeFor('index.HTML')).toBe('text/html; charset=utf-8');
  expect(mimeTypeFor('model.safetensors')).toBe('application/octet-stream');
});
