import { describe, expect, it } from 'vitest';
import { classForArchitecture, tasksForArchitecture } from './tasks';

describe('which class a checkpoint loads as and what it can run', () => {
  it('reads HF names and the hub checkpoints’ old NeZha spelling', () => {
    expect(classForArchitecture('NezhaForTokenClassification')).toBe('NezhaForTokenClassification');
    expect(classForArchitecture('NeZhaForMaskedLM')).toBe('NezhaForMaskedLM');
    expect(tasksForArchitecture('NeZhaForMaskedLM')).toEqual(['fill-mask']);
    expect(tasksForArchitecture('NezhaForPreTraining')).toEqual(['fill-mask', 'next-sentence']);
    expect(tasksForArchitecture('NezhaForQuestionAnswering')).toEqual(['question-answering']);
  });

  it('loads anything else as the bare encoder, which runs no task', () => {
    for (const architecture of [null, undefined, '', 'BertForMaskedLM', 'toString', 'constructor']) {
      expect(classForArchitecture(architecture)).toBe('NezhaModel');
    }
    expect(tasksForArchitecture('NezhaModel')).toEqual([]);
  });
});
