import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCheckpointFolder, memoryCheckpointSource } from '../checkpoint';
import { importDataset, type McExample, type NerExample } from '../datasets';
import { TinyFixtures } from '../nezha/fixtureReader';
import { runTextClassification, runTokenClassification } from '../pipelines';
import { BertTokenizer } from '../tokenizer';
import { checkHeadCompatibility, datasetLabelsOf, type HeadPlan } from './compatibility';
import { BenchmarkRunError, runBenchmark } from './runner';
import { scorePredictions } from './score';
import { tfjsModelRunner } from './tfjsRunner';
import type { BenchmarkData, BenchmarkProgress, ExamplePrediction } from './types';

/*
 * The runner with the real tiny NEZHA checkpoints on tfjs cpu: predictions decoded exactly as the pipelines
 * decode them, in dataset order whatever the chunking; progress; cancel; resume from stored predictions.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
const fixtures = new TinyFixtures(`${root}/nezha-tiny`, (path) => readFileSync(path));

function tokenizerFor(folder: string): BertTokenizer {
  return BertTokenizer.fromFiles({
    vocabText: fixtures.text(folder, 'vocab.txt'),
    tokenizerConfig: fixtures.json(folder, 'tokenizer_config.json'),
    specialTokensMap: fixtures.json(folder, 'special_tokens_map.json'),
  });
}

async function planFor(folder: string, data: BenchmarkData): Promise<HeadPlan> {
  const files = new Map(
    readdirSync(`${root}/nezha-tiny/${folder}`).map((f) => [
      f,
      new Uint8Array(readFileSync(`${root}/nezha-tiny/${folder}/${f}`)),
    ]),
  );
  const inspected = await inspectCheckpointFolder(memoryCheckpointSource(files));
  const check = checkHeadCompatibility({
    task: data.task,
    config: inspected.config,
    tensors: inspected.tensors,
    datasetLabels: datasetLabelsOf(data),
  });
  if (!check.ok) throw new Error(check.reasons.join('; '));
  return check.plan;
}

/** A clock that advances 5 ms per reading: throughput and latency become exact numbers. */
function steppingClock(): () => number {
  let t = 0;
  return () => (t += 5);
}

let ner: BenchmarkData & { task: 'ner' };
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const file = `${root}/datasets/peoples_daily_ner/example.dev`;
  const result = importDataset(readFileSync(file), { file });
  if (result.task !== 'ner') throw new Error('expected NER');
  // Twelve short sentences of different lengths, some with entities.
  const records: NerExample[] = result.records.filter((r) => r.text.length <= 24).slice(0, 12);
  ner = { task: 'ner', records };
});

describe('runBenchmark', () => {
  it('NER: entities as the token-classification pipeline decodes them, in dataset order, with progress and timing', async () => {
    const plan = await planFor('token-classification', ner);
    const tokenizer = tokenizerFor('token-classification');
    const { model } = fixtures.load('NezhaForTokenClassification', 'token-classification');
    const chunks: number[][] = [];
    const events: BenchmarkProgress[] = [];
    const result = await runBenchmark({
      plan,
      data: ner,
      tokenizer,
      model: tfjsModelRunner(model),
      backend: 'cpu',
      settings: { maxBatchSize: 4 },
      onPredictions: (p) => void chunks.push(p.map((x) => x.index)),
      onProgress: (p) => events.push(p),
      clock: steppingClock(),
    });
    const reference = await runTokenClassification(
      tokenizer,
      tfjsModelRunner(model),
      ner.records.map((r) => r.text),
      { id2label: plan.id2label },
    );
    model.dispose();
    expect(result.predictions.map((p) => p.index)).toEqual([...Array(12).keys()]);
    result.predictions.forEach((p, i) => {
      if (p.task !== 'ner') throw new Error('expected NER predictions');
      expect(p.gold).toEqual(ner.records[i].spans);
      expect(p.prediction).toEqual(reference[i].map((e) => ({ start: e.start, end: e.end, label: e.type })));
    });
    // Chunks of at most 4, shortest texts first; every example exactly once.
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 4]);
    const lengths = chunks.map((c) => Math.max(...c.map((i) => ner.records[i].text.length)));
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    expect(chunks.flat().sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(events.map((e) => e.done)).toEqual([0, 4, 8, 12]);
    expect(events[0].etaSeconds).toBeNull();
    expect(events.at(-1)!.etaSeconds).toBe(0);
    expect(events[1].examplesPerSecond).toBeGreaterThan(0);
    // 3 model calls; the stepping clock is read once before and once after each, 5 ms apart.
    expect(result.timing.batches).toBe(3);
    expect(result.timing.batchLatencyMs).toEqual({ p50: 5, p95: 5, mean: 5, max: 5 });
    expect(result.timing.examples).toBe(12);
    expect(result.timing.examplesPerSecond).toBeCloseTo((1000 * 12) / result.timing.totalMs, 2);
  });

  it('cancels between chunks, then resumes from the stored predictions to the same result', async () => {
    const plan = await planFor('token-classification', ner);
    const tokenizer = tokenizerFor('token-classification');
    const { model } = fixtures.load('NezhaForTokenClassification', 'token-classification');
    const runner = tfjsModelRunner(model);
    const settings = { maxBatchSize: 5 };
    const full = await runBenchmark({ plan, data: ner, tokenizer, model: runner, backend: 'cpu', settings });

    const stored: ExamplePrediction[] = [];
    const controller = new AbortController();
    await expect(
      runBenchmark({
        plan,
        data: ner,
        tokenizer,
        model: runner,
        backend: 'cpu',
        settings,
        signal: controller.signal,
        onPredictions: (p) => {
          stored.push(...p);
          if (stored.length >= 5) controller.abort(new Error('cancelled by the test'));
        },
      }),
    ).rejects.toThrow('cancelled by the test');
    expect(stored).toHaveLength(5);

    const calls: number[] = [];
    const resumed = await runBenchmark({
      plan,
      data: ner,
      tokenizer,
      model: { run: (batch) => (calls.push(batch.batchSize), runner.run(batch)) },
      backend: 'cpu',
      settings,
      completed: stored,
      onProgress: () => {},
    });
    model.dispose();
    expect(resumed.resumed).toBe(5);
    expect(resumed.timing.examples).toBe(7);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(7);
    expect(resumed.predictions).toEqual(full.predictions);

    // Predictions of another dataset are refused rather than silently mixed in.
    const foreign = { ...stored[0], id: 'not-this-one' };
    await expect(
      runBenchmark({ plan, data: ner, tokenizer, model: runner, backend: 'cpu', completed: [foreign] }),
    ).rejects.toThrow(BenchmarkRunError);
  });

  it('classification: labels by id2label name, the top class as the text-classification pipeline ranks it', async () => {
    const data: BenchmarkData = {
      task: 'classification',
      records: [
        { text: '这家酒店的服务非常好', label: 'positive' },
        { text: '房间太小了，不推荐', label: 'negative' },
        { text: '一般般吧', label: 'positive' },
        { text: '早餐很差', label: 'negative', id: 'r4' },
      ],
    };
    const plan = await planFor('sequence-classification', data);
    const tokenizer = tokenizerFor('sequence-classification');
    const { model } = fixtures.load('NezhaForSequenceClassification', 'sequence-classification');
    const result = await runBenchmark({
      plan,
      data,
      tokenizer,
      model: tfjsModelRunner(model),
      backend: 'cpu',
    });
    const reference = await runTextClassification(
      tokenizer,
      tfjsModelRunner(model),
      data.records.map((r) => r.text),
      { id2label: plan.id2label },
    );
    model.dispose();
    expect(result.predictions.map((p) => p.id)).toEqual(['0', '1', '2', 'r4']);
    result.predictions.forEach((p, i) => {
      if (p.task !== 'classification') throw new Error('expected classification');
      expect(p.gold).toBe(data.records[i].label);
      expect(p.prediction).toBe(reference[i][0].label);
      expect(p.score).toBeCloseTo(reference[i][0].score, 6);
    });
    const [accuracy] = scorePredictions('classification', result.predictions);
    const correct = result.predictions.filter((p) => p.gold === p.prediction).length;
    expect(accuracy.value).toBe(correct / 4);
  });

  it('C3 multiple choice: a valid choice index per question, scored as accuracy', async () => {
    const file = `${root}/datasets/c3/c3-m-dev.excerpt.json`;
    const imported = importDataset(readFileSync(file), { file });
    if (imported.task !== 'mc') throw new Error('expected C3');
    const records: McExample[] = imported.records
      .filter((r) => r.context.length < 60)
      .slice(0, 6)
      .map((r) => ({ ...r }));
    expect(new Set(records.map((r) => r.choices.length)).size).toBeGreaterThan(1);
    const data: BenchmarkData = { task: 'mc', records };
    const plan = await planFor('multiple-choice', data);
    const { model } = fixtures.load('NezhaForMultipleChoice', 'multiple-choice');
    const result = await runBenchmark({
      plan,
      data,
      tokenizer: tokenizerFor('multiple-choice'),
      model: tfjsModelRunner(model),
      backend: 'cpu',
    });
    model.dispose();
    result.predictions.forEach((p, i) => {
      if (p.task !== 'mc') throw new Error('expected mc');
      expect(p.choices).toBe(records[i].choices.length);
      expect(p.prediction).toBeGreaterThanOrEqual(0);
      expect(p.prediction).toBeLessThan(p.choices);
      expect(p.gold).toBe(records[i].answer);
    });
    const [accuracy] = scorePredictions('mc', result.predictions);
    expect(accuracy).toMatchObject({ task: 'c3', metric: 'accuracy', n: 6 });
  });
});
