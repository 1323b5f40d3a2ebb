import { describe, expect, it } from 'vitest';
import { formatDuration, progressPrinter, type ProgressUpdate } from './progress';

/** Updates for `total` items, one every `msPerItem`, at the given item counts. */
function updates(total: number, counts: number[], msPerItem: number): ProgressUpdate[] {
  return counts.map((done) => ({
    done,
    total,
    itemsPerSecond: done === 0 ? 0 : 1000 / msPerItem,
    etaSeconds: done === 0 ? null : ((total - done) * msPerItem) / 1000,
    elapsedMs: done * msPerItem,
  }));
}

describe('progressPrinter', () => {
  it('in a log: one line per 10% of the work, and the last one, with rate and ETA', () => {
    const lines: string[] = [];
    const printer = progressPrinter({ err: (t) => lines.push(t) }, { label: 'eval', unit: 'examples' });
    const counts = Array.from({ length: 101 }, (_, i) => i * 2); // 0..200, 2 at a time
    for (const u of updates(200, counts, 10)) printer.update(u);
    printer.finish();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('eval: 0/200 examples (0%), 0.0 examples/s');
    expect(lines[1]).toBe('eval: 20/200 examples (10%), 100.0 examples/s, ETA 2s');
    expect(lines.at(-1)).toBe('eval: 200/200 examples (100%), 100.0 examples/s');
  });

  it('in a log: also a line every few seconds when the percentage moves slowly', () => {
    const lines: string[] = [];
    const printer = progressPrinter(
      { err: (t) => lines.push(t) },
      { label: 'eval', unit: 'examples', everySeconds: 5 },
    );
    // 1000 items, one a second: 10% takes 100 s, so the 5-second lines carry the log.
    for (const u of updates(1000, [1, 3, 6, 7, 12, 16], 1000)) printer.update(u);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['1/1000', '6/1000', '12/1000']);
  });

  it('on a terminal: one line redrawn with a carriage return, ended by finish', () => {
    const writes: string[] = [];
    const lines: string[] = [];
    const printer = progressPrinter(
      { err: (t) => lines.push(t), terminal: { write: (t) => writes.push(t) } },
      { label: 'eval', unit: 'examples', redrawMs: 200 },
    );
    for (const u of updates(100, [0, 10, 15, 25, 100], 10)) printer.update(u);
    printer.finish();
    expect(lines).toEqual([]);
    // 10 and 15 fall within 200 ms of the last redraw; the end is always drawn.
    expect(writes).toEqual([
      '\reval: 0/100 examples (0%), 0.0 examples/s\x1b[K',
      '\reval: 25/100 examples (25%), 100.0 examples/s, ETA 1s\x1b[K',
      '\reval: 100/100 examples (100%), 100.0 examples/s\x1b[K',
      '\n',
    ]);
  });

  it('formats durations as s, m+s and h+m', () => {
    expect([formatDuration(42), formatDuration(75), formatDuration(4000)]).toEqual(['42s', '1m15s', '1h06m']);
  });
});
