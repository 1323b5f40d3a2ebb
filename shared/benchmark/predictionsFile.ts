/**
 * PRED.jsonl: one line per example, `{"index", "id", "task", "gold", "prediction", ...}` (NER spans in code
 * points, the label for classification, the answer text and its span for QA, the choice index for multiple
 * choice). The CLI appends each chunk's lines as they come, so an interrupted run can resume from the file.
 */
import { z } from 'zod';
import type { ExamplePrediction } from './types';

const base = { index: z.number().int().nonnegative(), id: z.string() };
const span = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  label: z.string(),
});

export const examplePredictionSchema = z.discriminatedUnion('task', [
  z.object({ ...base, task: z.literal('ner'), gold: z.array(span), prediction: z.array(span) }),
  z.object({
    ...base,
    task: z.enum(['classification', 'pair']),
    gold: z.string(),
    prediction: z.string(),
    score: z.number(),
  }),
  z.object({
    ...base,
    task: z.literal('qa'),
    gold: z.array(z.string()),
    prediction: z.string(),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    score: z.number(),
  }),
  z.object({
    ...base,
    task: z.literal('mc'),
    gold: z.number().int().nonnegative(),
    prediction: z.number().int().nonnegative(),
    choices: z.number().int().positive(),
  }),
]);

/** One PRED.jsonl line (with its newline); index and id first so the file reads well. */
export function predictionLine(p: ExamplePrediction): string {
  const { index, id, task, ...rest } = p;
  return `${JSON.stringify({ index, id, task, ...rest })}\n`;
}

export function predictionsToJsonl(predictions: readonly ExamplePrediction[]): string {
  return predictions.map(predictionLine).join('');
}

export class PredictionsFileError extends Error {
  override name = 'PredictionsFileError';
}

export interface ParsedPredictions {
  predictions: ExamplePrediction[];
  /** The last line had no newline and did not parse: a write cut short by a crash, dropped. */
  droppedPartialLine: boolean;
}

/**
 * Reads PRED.jsonl. A malformed line throws naming file:line; an unterminated, unparsable last line (a crash
 * mid-write) is dropped and reported, so resuming re-predicts that example. Later lines win for a repeated index.
 */
export function parsePredictionsJsonl(text: string, file: string): ParsedPredictions {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const byIndex = new Map<number, ExamplePrediction>();
  const read = (line: string, number: number): void => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new PredictionsFileError(
        `${file}:${number}: not valid JSON (${(error as Error).message}); delete the line or the file and run again.`,
      );
    }
    const parsed = examplePredictionSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PredictionsFileError(
        `${file}:${number}: ${issue.path.length ? `field "${issue.path.join('.')}": ` : ''}${issue.message}; this is not a prediction line of a Nezha Studio run.`,
      );
    }
    byIndex.set(parsed.data.index, parsed.data as ExamplePrediction);
  };
  lines.forEach((line, k) => read(line, k + 1));
  let droppedPartialLine = false;
  if (last.trim() !== '') {
    try {
      read(last, lines.length + 1);
    } catch {
      droppedPartialLine = true;
    }
  }
  return { predictions: [...byIndex.values()].sort((a, b) => a.index - b.index), droppedPartialLine };
}
