import { describe, expect, it } from 'vitest';
import { formatTable, sections } from './bench';

describe('bench registry', () => {
  it('has uniquely named sections, including checkpoint load', () => {
    const names = sections.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('checkpoint load');
    expect(names).toContain('model load (wasm)');
    for (const section of sections) expect(section.summary.length).toBeGreaterThan(10);
  });

  it('formats rows as an aligned table with ratios and references', () => {
    const table = formatTable([
      {
        section: 'checkpoint load',
        rows: [
          { name: 'load', value: 1234.5, unit: 'ms', reference: 'plain read (600 ms)', ratio: 2.0575 },
          { name: 'throughput', value: 3.14159, unit: 'MB/s' },
        ],
      },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^section\s+measurement\s+value\s+unit\s+ratio\s+reference$/);
    expect(lines[1]).toMatch(/^-+( +-+){5}$/);
    expect(lines[2]).toMatch(/^checkpoint load\s+load\s+1235\s+ms\s+2\.06x\s+plain read \(600 ms\)$/);
    expect(lines[3]).toMatch(/^checkpoint load\s+throughput\s+3\.14\s+MB\/s$/);
    // the value column is right-aligned
    expect(lines[2].indexOf('1235') + 4).toBe(lines[3].indexOf('3.14') + 4);
  });
});
