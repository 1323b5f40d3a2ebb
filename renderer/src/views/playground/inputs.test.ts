import { describe, expect, it } from 'vitest';
import { buildRequest, inspectedText, SAMPLE_INPUTS } from './inputs';

describe('Playground inputs → worker requests', () => {
  it('builds a request for every task from the samples', () => {
    expect(buildRequest('token-classification', SAMPLE_INPUTS)).toEqual({
      request: { task: 'token-classification', texts: [SAMPLE_INPUTS.text] },
    });
    expect(buildRequest('text-classification', { ...SAMPLE_INPUTS, pair: '第二句' })).toEqual({
      request: { task: 'text-classification', inputs: [[SAMPLE_INPUTS.text, '第二句']] },
    });
    expect(buildRequest('multiple-choice', SAMPLE_INPUTS)).toEqual({
      request: {
        task: 'multiple-choice',
        examples: [{ context: SAMPLE_INPUTS.mcContext, choices: ['看电影', '写作业', '吃晚饭', '去商店'] }],
      },
    });
    for (const task of ['question-answering', 'fill-mask', 'next-sentence'] as const)
      expect(buildRequest(task, SAMPLE_INPUTS)).toHaveProperty('request.task', task);
  });

  it('says what is missing instead of building a request', () => {
    expect(buildRequest('fill-mask', { ...SAMPLE_INPUTS, maskedText: '没有掩码' })).toEqual({
      problem: 'Write [MASK] where the model should predict a character.',
    });
    expect(buildRequest('multiple-choice', { ...SAMPLE_INPUTS, choices: '只有一个\n\n' })).toHaveProperty(
      'problem',
    );
    expect(buildRequest('question-answering', { ...SAMPLE_INPUTS, question: ' ' })).toHaveProperty('problem');
    expect(buildRequest('token-classification', { ...SAMPLE_INPUTS, text: '\n' })).toHaveProperty('problem');
  });

  it('inspects the pair a task encodes', () => {
    expect(inspectedText('question-answering', SAMPLE_INPUTS)).toEqual({
      text: SAMPLE_INPUTS.question,
      pair: SAMPLE_INPUTS.context,
    });
    expect(inspectedText('multiple-choice', SAMPLE_INPUTS).pair).toBe('看电影');
    expect(inspectedText('text-classification', SAMPLE_INPUTS).pair).toBeNull();
  });
});
