import { describe, expect, it } from 'vitest';
import {
  defaultLabelMapping,
  entityTypesOfModelLabels,
  labelMappingProblems,
  labelsMatchExactly,
  needsLabelMapping,
  mapSuggestions,
} from './labelMapping';
import { CLUENER2020_LABELS } from '../metrics/cluener2020';

describe('label mapping', () => {
  it('strips BIO / BIOES / BMES prefixes and drops O', () => {
    expect(entityTypesOfModelLabels(['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER'])).toEqual([
      'LOC',
      'ORG',
      'PER',
    ]);
    expect(entityTypesOfModelLabels(['S-name', 'E-name', 'M_address', 'O'])).toEqual(['name', 'address']);
    expect(entityTypesOfModelLabels([])).toEqual([]);
  });

  it('needs no mapping only when every model type is a dataset label by exact name', () => {
    expect(labelsMatchExactly(['PER', 'LOC'], ['LOC', 'PER', 'ORG'])).toBe(true);
    expect(labelsMatchExactly(['PER', 'LOC', 'ORG'], CLUENER2020_LABELS)).toBe(false);
    expect(labelsMatchExactly(['per'], ['PER'])).toBe(false);
    expect(needsLabelMapping(['PER', 'LOC', 'ORG'], CLUENER2020_LABELS)).toBe(true);
    expect(needsLabelMapping(['PER', 'LOC'], ['LOC', 'PER'])).toBe(false);
    // A plain-text corpus with no label set takes the model's types.
    expect(needsLabelMapping(['PER', 'LOC', 'ORG'], [])).toBe(false);
  });

  it('pre-fills exact names, then case-insensitive ones, and ignores the rest', () => {
    expect(defaultLabelMapping(['PER', 'LOC', 'ORG'], CLUENER2020_LABELS)).toEqual({
      PER: null,
      LOC: null,
      ORG: null,
    });
    expect(defaultLabelMapping(['per', 'LOC', 'GPE'], ['PER', 'LOC', 'Loc'])).toEqual({
      per: 'PER',
      LOC: 'LOC',
      GPE: null,
    });
  });

  it('names the key of every problem: a missing type, a target that is not a dataset label', () => {
    expect(labelMappingProblems({ PER: 'name', LOC: null }, ['PER', 'LOC'], CLUENER2020_LABELS)).toEqual([]);
    expect(labelMappingProblems({ PER: 'person' }, ['PER', 'ORG'], CLUENER2020_LABELS)).toEqual([
      'model label "ORG" has no mapping (pick a dataset label or ignore)',
      'model label "PER" maps to "person", which is not a label of the dataset',
    ]);
  });

  it('maps suggestions, drops ignored and unmapped types, keeps everything else on the span', () => {
    const spans = [
      { start: 0, end: 3, label: 'PER', score: 0.9 },
      { start: 4, end: 6, label: 'LOC', score: 0.8 },
      { start: 7, end: 9, label: 'ORG', score: 0.7 },
      { start: 9, end: 10, label: 'MISC', score: 0.6 },
    ];
    const mapped = mapSuggestions(spans, { PER: 'name', LOC: 'address', ORG: null });
    expect(mapped).toEqual([
      { start: 0, end: 3, label: 'name', score: 0.9 },
      { start: 4, end: 6, label: 'address', score: 0.8 },
    ]);
    expect(spans[0].label).toBe('PER'); // the input is not changed
    // A type named like an Object.prototype key is not "mapped" by inheritance.
    expect(mapSuggestions([{ label: 'constructor' }], {})).toEqual([]);
  });
});
