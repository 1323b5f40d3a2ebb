import { describe, expect, it } from 'vitest';
import {
  classForArchitecture,
  classForTask,
  isNezhaArchitecture,
  NEZHA_CLASS_NAMES,
  normaliseArchitecture,
  tasksForArchitecture,
  tasksForClass,
} from './modelClasses';
import { NEZHA_TASKS, PIPELINE_OF_TASK, PIPELINE_TASKS } from './tasks';

describe('which class a checkpoint loads as and what it can run', () => {
  it('reads HF names and the hub checkpoints’ old NeZha spelling', () => {
    expect(classForArchitecture('NezhaForTokenClassification')).toBe('NezhaForTokenClassification');
    expect(classForArchitecture('NeZhaForMaskedLM')).toBe('NezhaForMaskedLM');
    expect(normaliseArchitecture('NEZHAFORQUESTIONANSWERING')).toBe('NezhaForQuestionAnswering');
    expect(tasksForArchitecture('NeZhaForMaskedLM')).toEqual(['fill-mask']);
    expect(tasksForArchitecture('NezhaForPreTraining')).toEqual(['fill-mask', 'next-sentence']);
    expect(tasksForArchitecture('NezhaForQuestionAnswering')).toEqual(['question-answering']);
  });

  it('loads anything else as the bare encoder, which runs no task', () => {
    for (const architecture of [null, undefined, '', 'BertForMaskedLM', 'NezhaForTranslation', 'toString']) {
      expect(normaliseArchitecture(architecture)).toBeNull();
      expect(classForArchitecture(architecture)).toBe('NezhaModel');
    }
    expect(tasksForArchitecture('NezhaModel')).toEqual([]);
  });

  it('tells a NEZHA name it does not know from a name of another model', () => {
    expect(isNezhaArchitecture('NeZhaForTranslation')).toBe(true);
    expect(isNezhaArchitecture('BertForMaskedLM')).toBe(false);
    expect(isNezhaArchitecture(null)).toBe(false);
  });
});

describe('class ↔ task', () => {
  it('maps each class to the pipelines its head runs', () => {
    expect(Object.fromEntries(NEZHA_CLASS_NAMES.map((c) => [c, tasksForClass(c)]))).toEqual({
      NezhaModel: [],
      NezhaForPreTraining: ['fill-mask', 'next-sentence'],
      NezhaForMaskedLM: ['fill-mask'],
      NezhaForNextSentencePrediction: ['next-sentence'],
      NezhaForSequenceClassification: ['text-classification'],
      NezhaForMultipleChoice: ['multiple-choice'],
      NezhaForTokenClassification: ['token-classification'],
      NezhaForQuestionAnswering: ['question-answering'],
    });
  });

  it('builds each task with a class whose head runs the task’s pipeline', () => {
    expect(classForTask('pair-classification')).toBe('NezhaForSequenceClassification');
    expect(classForTask('regression')).toBe('NezhaForSequenceClassification');
    expect(classForTask('masked-lm')).toBe('NezhaForMaskedLM');
    expect(classForTask('next-sentence')).toBe('NezhaForNextSentencePrediction');
    for (const task of NEZHA_TASKS)
      expect(tasksForClass(classForTask(task))).toContain(PIPELINE_OF_TASK[task]);
    for (const task of PIPELINE_TASKS) expect(PIPELINE_OF_TASK[task]).toBe(task);
  });
});
