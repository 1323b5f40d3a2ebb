/**
 * The `eval` command's run store: PRED.jsonl is the run. Opening reads the predictions an interrupted run left
 * there (with --resume; without it the file starts empty), every chunk is appended as it is predicted (so a
 * crash loses at most the chunk being written), finishing rewrites the file in dataset order, and a failed or
 * cancelled run leaves the file as it is for the next --resume. Implements shared/benchmark's run-store port,
 * so the CLI runs the same orchestrator as the Benchmark view.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import {
  parsePredictionsJsonl,
  predictionLine,
  predictionsToJsonl,
  type BenchmarkRunStorePort,
  type ExamplePrediction,
} from '../../shared/benchmark';
import { CliError } from './command';

export interface PredictionsFileRunStoreOptions {
  /** PRED.jsonl. */
  path: string;
  /** Keep the predictions already in the file (else it is emptied on open). */
  resume: boolean;
  /** Where warnings go (stderr). */
  err: (text: string) => void;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`eval: cannot read the predictions file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function predictionsFileRunStore(options: PredictionsFileRunStoreOptions): BenchmarkRunStorePort {
  const { path } = options;
  // Every prediction of the run by example index: what the file holds once finished, in dataset order.
  const predictions = new Map<number, ExamplePrediction>();
  const sorted = () => [...predictions.values()].sort((a, b) => a.index - b.index);
  return {
    async open() {
      predictions.clear();
      let completed: ExamplePrediction[] = [];
      if (options.resume) {
        const text = await readIfExists(path);
        if (text !== null) {
          const parsed = parsePredictionsJsonl(text, path);
          if (parsed.droppedPartialLine) {
            options.err(
              `eval: ${path}: dropped an unfinished last line (an interrupted write); that example is predicted again`,
            );
          }
          completed = parsed.predictions;
        }
      } else {
        await writeFile(path, '');
      }
      for (const p of completed) predictions.set(p.index, p);
      return { state: completed.length > 0 ? 'resume' : 'new', runId: path, completed };
    },
    async predictions() {
      return sorted();
    },
    async savePredictions(_runId, chunk) {
      await appendFile(path, chunk.map(predictionLine).join(''));
      for (const p of chunk) predictions.set(p.index, p);
    },
    async finish(_runId, record) {
      // Only the evaluated examples, in order (a resumed file may hold more, from a run with a larger --limit).
      const evaluated = sorted().filter((p) => p.index < record.dataset.evaluated);
      await writeFile(path, predictionsToJsonl(evaluated));
      return record;
    },
    async stop() {
      // The appended chunks stay: --resume continues from them.
    },
  };
}
