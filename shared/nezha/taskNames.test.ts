import { describe, expect, it } from 'vitest';
import { parseTask, TaskNameError } from './taskNames';
import {
  datasetTaskOfEvaluation,
  EVALUATION_TASKS,
  NEZHA_TASKS,
  PIPELINE_TASKS,
  TASK_OF_DATASET,
  TRAINING_TASKS,
} from './tasks';

describe('parseTask: one vocabulary, the names people already use', () => {
  it('takes the canonical names as they are', () => {
    for (const task of NEZHA_TASKS) expect(parseTask(task)).toBe(task);
  });

  it('takes HF pipeline aliases', () => {
    expect(parseTask('ner')).toBe('token-classification');
    expect(parseTask('sentiment-analysis')).toBe('text-classification');
    expect(parseTask('text-classification')).toBe('text-classification');
    expect(parseTask('question-answering')).toBe('question-answering');
    expect(parseTask('fill-mask')).toBe('fill-mask');
  });

  it('takes NEZHA class names in any spelling, choosing the task the command runs', () => {
    expect(parseTask('NezhaForTokenClassification')).toBe('token-classification');
    expect(parseTask('NezhaForSequenceClassification')).toBe('text-classification');
    expect(parseTask('NeZhaForQuestionAnswering')).toBe('question-answering');
    expect(parseTask('NezhaForMultipleChoice')).toBe('multiple-choice');
    expect(parseTask('NezhaForNextSentencePrediction')).toBe('next-sentence');
    expect(parseTask('NeZhaForMaskedLM', PIPELINE_TASKS)).toBe('fill-mask');
    expect(parseTask('NeZhaForMaskedLM', TRAINING_TASKS)).toBe('masked-lm');
    expect(parseTask('NezhaForPreTraining', PIPELINE_TASKS)).toBe('fill-mask');
  });

  it('takes the old names of eval, the dataset kinds and the metrics', () => {
    const old: Record<string, string> = {
      ner: 'token-classification',
      classification: 'text-classification',
      'sentence-classification': 'text-classification',
      pair: 'pair-classification',
      'pair-classification': 'pair-classification',
      qa: 'question-answering',
      cmrc2018: 'question-answering',
      mc: 'multiple-choice',
      c3: 'multiple-choice',
      'multiple-choice': 'multiple-choice',
    };
    for (const [name, task] of Object.entries(old)) expect(parseTask(name, EVALUATION_TASKS)).toBe(task);
  });

  it('takes short names of the training-only tasks, ignoring case and underscores', () => {
    expect(parseTask('mlm', TRAINING_TASKS)).toBe('masked-lm');
    expect(parseTask('multi-label', TRAINING_TASKS)).toBe('multi-label-classification');
    expect(parseTask('nsp')).toBe('next-sentence');
    expect(parseTask(' Token_Classification ')).toBe('token-classification');
  });

  it('refuses an unknown name, listing the canonical names the command runs', () => {
    expect(() => parseTask('translation', TRAINING_TASKS)).toThrow(TaskNameError);
    expect(() => parseTask('translation', TRAINING_TASKS)).toThrow(
      `"translation" is not a task name; use one of ${TRAINING_TASKS.join(', ')}`,
    );
    expect(() => parseTask('NezhaModel')).toThrow(
      /"NezhaModel" is not a task name; use one of token-classification,/,
    );
  });

  it('refuses a known task the command does not run, saying what the name meant', () => {
    expect(() => parseTask('fill-mask', EVALUATION_TASKS)).toThrow(
      `"fill-mask" is not a task this command runs; use one of ${EVALUATION_TASKS.join(', ')}`,
    );
    expect(() => parseTask('NezhaForPreTraining', TRAINING_TASKS)).toThrow(
      /^"NezhaForPreTraining" \(fill-mask or next-sentence\) is not a task this command runs; use one of token-classification,/,
    );
  });
});

describe('benchmarks key by dataset kind, derived from the vocabulary', () => {
  it('scores each dataset kind as one evaluation task, and back', () => {
    expect(TASK_OF_DATASET).toEqual({
      ner: 'token-classification',
      classification: 'text-classification',
      pair: 'pair-classification',
      qa: 'question-answering',
      mc: 'multiple-choice',
    });
    for (const task of EVALUATION_TASKS) expect(TASK_OF_DATASET[datasetTaskOfEvaluation(task)]).toBe(task);
  });
});
