/**
 * Large inputs: a 100,000-sentence synthetic corpus streams through the reader with progress, without
 * quadratic behaviour, and a consumer can stop early (cancel). No timing assertions.
 */
import { describe, expect, it } from 'vitest';
import { exportNer, openDataset, parseCharPerLine, parseCluener } from './index';

const SENTENCES = 100_000;
const PEOPLE = ['张三', '李四', '王小明'];
const PLACES = ['北京', '上海', '深圳市'];

/** Deterministic corpus: sentence i mentions a person and (for odd i) a place. */
function syntheticCorpus(): { text: string; persons: number; places: number; chars: number } {
  const parts: string[] = [];
  let persons = 0;
  let places = 0;
  let chars = 0;
  for (let i = 0; i < SENTENCES; i++) {
    const person = PEOPLE[i % 3];
    let lines = '';
    for (let k = 0; k < person.length; k++) lines += `${person[k]} ${k === 0 ? 'B' : 'I'}-PER\n`;
    persons++;
    lines += '说 O\n';
    chars += person.length + 1;
    if (i % 2 === 1) {
      const place = PLACES[i % 3];
      lines += '在 O\n';
      for (let k = 0; k < place.length; k++) lines += `${place[k]} ${k === 0 ? 'B' : 'I'}-LOC\n`;
      places++;
      chars += place.length + 1;
    }
    lines += `${i % 10} O\n。 O\n`;
    chars += 2;
    parts.push(lines);
  }
  return { text: `${parts.join('\n')}\n`, persons, places, chars };
}

describe('streaming import of a 100,000-sentence corpus', () => {
  const corpus = syntheticCorpus();

  it('yields every sentence with increasing progress and exact counts', () => {
    const reader = parseCharPerLine(corpus.text, { file: 'synthetic.txt' });
    let count = 0;
    let lastDone = -1;
    let progressChecks = 0;
    for (const record of reader) {
      count++;
      if (count % 10_000 === 0) {
        const progress = reader.progress;
        expect(progress.done).toBeGreaterThan(lastDone);
        expect(progress.records).toBe(count);
        expect(progress.total).toBe(corpus.text.length);
        lastDone = progress.done;
        progressChecks++;
      }
      if (count === 2)
        expect(record).toEqual({
          text: '李四说在上海1。',
          spans: [
            { start: 0, end: 2, label: 'PER' },
            { start: 4, end: 6, label: 'LOC' },
          ],
        });
    }
    expect(count).toBe(SENTENCES);
    expect(progressChecks).toBe(10);
    expect(reader.progress.done).toBe(reader.progress.total);
    const { counts, warnings } = reader.result();
    expect(counts.records).toBe(SENTENCES);
    expect(counts.tokens).toBe(corpus.chars);
    expect(counts.entities).toEqual({ PER: corpus.persons, LOC: corpus.places });
    // Only 30 distinct sentences exist, so all but 30 are reported as repeats (kept).
    expect(warnings.find((w) => w.code === 'duplicate')?.count).toBe(SENTENCES - 30);
  });

  it('can be cancelled by leaving the loop; progress says how far it got', () => {
    const reader = openDataset(corpus.text, { file: 'synthetic.txt' });
    let count = 0;
    for (const _record of reader) {
      if (++count === 1000) break;
    }
    expect(reader.progress.records).toBe(1000);
    expect(reader.progress.done).toBeLessThan(reader.progress.total / 50);
  });

  it('export and re-import of 20,000 of its sentences in another format keeps every record', () => {
    const records = parseCharPerLine(corpus.text).readAll().records.slice(0, 20_000);
    const cluener = exportNer(records, 'cluener');
    const back = parseCluener(cluener).readAll();
    expect(back.counts.records).toBe(20_000);
    expect(JSON.stringify(back.records) === JSON.stringify(records)).toBe(true);
    const prefix = `${corpus.text.split('\n\n').slice(0, 20_000).join('\n\n')}\n\n`;
    expect(exportNer(back.records, 'char-per-line', { scheme: 'BIO' }) === prefix).toBe(true);
  });
});
