/**
 * trainingRuns.learningCurve: the version chain of Annotate's model updates, read back from the run
 * records (their `modelUpdate`), through the same dispatch both transports use.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HeldOutScore, LearningCurve, ModelUpdate, TrainingRunInput } from '../../shared/ipc';
import { dispatchRequest } from '../ipc/dispatch';
import { createHandlers } from '../ipc/handlers';
import { createServices, type Services } from './services';

const dataDir = mkdtempSync(join(tmpdir(), 'nezha-learning-curve-'));
const fixture = join(import.meta.dirname, '../../fixtures/nezha-tiny/token-classification');
let services: Services;
let call: (channel: string, payload: unknown) => Promise<unknown>;

beforeAll(async () => {
  services = await createServices({ dataDir, resourcesDir: null, host: 'serve' });
  const handlers = createHandlers(services);
  call = async (channel, payload) => {
    const envelope = await dispatchRequest(handlers, channel, payload);
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.result;
  };
});
afterAll(() => {
  services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const score = (f1: number): HeldOutScore => ({
  f1,
  precision: f1,
  recall: f1,
  ci: [Math.max(0, f1 - 0.1), Math.min(1, f1 + 0.1)],
  examples: 5,
  goldEntities: 9,
});

const update = (parent: string, version: number, extra: Partial<ModelUpdate> = {}): ModelUpdate => ({
  baseCheckpointId: 'base',
  baseCheckpointName: 'Base NER',
  parentCheckpointId: parent,
  parentCheckpointName: parent === 'base' ? 'Base NER' : `Base NER · v${version - 1}`,
  version,
  datasetName: 'Sample',
  trainExamples: 10 * version,
  heldOutExamples: 5,
  author: 'tester',
  parentScore: score((4 + version) / 10),
  score: score((5 + version) / 10),
  ...extra,
});

const runInput = (id: string, modelUpdate?: ModelUpdate): TrainingRunInput => ({
  id,
  name: modelUpdate ? `Base NER · v${modelUpdate.version} (Sample, ${modelUpdate.trainExamples} done)` : id,
  checkpointId: modelUpdate?.parentCheckpointId ?? 'base',
  datasetId: 'ds',
  task: 'token-classification',
  settings: {},
  status: 'running',
  step: 0,
  totalSteps: 4,
  lossHistory: [],
  devHistory: [],
  precision: null,
  error: null,
  ...(modelUpdate ? { modelUpdate } : {}),
});

async function* bytesOf(path: string): AsyncGenerator<Uint8Array> {
  yield readFileSync(path);
}

/** A run saved, its folder uploaded as the worker does and published; returns the library id. */
async function publishedRun(id: string, modelUpdate?: ModelUpdate): Promise<string> {
  const input = runInput(id, modelUpdate);
  await call('trainingRuns.save', { run: input });
  for (const file of readdirSync(fixture))
    await services.trainingRuns.receiveFile(id, { kind: 'output', file }, bytesOf(join(fixture, file)));
  const record = (await call('trainingRuns.publish', { runId: id, name: input.name })) as { id: string };
  await call('trainingRuns.save', { run: { ...input, status: 'completed' } });
  // list() orders by creation time (ms): keep the runs apart.
  await new Promise((r) => setTimeout(r, 5));
  return record.id;
}

const curveOf = (checkpointId: string) =>
  call('trainingRuns.learningCurve', { checkpointId }) as Promise<LearningCurve>;

it('walks the chain from a version back to its base, with both scores per version', async () => {
  expect(await curveOf('base')).toEqual({ checkpointId: 'base', version: 0, points: [] });
  const v1 = await publishedRun('u1', update('base', 1));
  // A Train-view run (no modelUpdate) and an update that never finished are not versions.
  await publishedRun('train-run');
  await call('trainingRuns.save', {
    run: { ...runInput('u-cancelled', update(v1, 2)), status: 'cancelled' },
  });
  const v2 = await publishedRun('u2', update(v1, 2));

  const curve = await curveOf(v2);
  expect(curve.version).toBe(2);
  expect(curve.points.map((p) => [p.version, p.checkpointId, p.runId, p.trainExamples])).toEqual([
    [0, 'base', null, 0],
    [1, v1, 'u1', 10],
    [2, v2, 'u2', 20],
  ]);
  // Version 0 is the base scored on version 1's slice; each version carries its parent on the same slice.
  expect(curve.points.map((p) => p.score?.f1)).toEqual([0.5, 0.6, 0.7]);
  expect(curve.points.map((p) => p.parentScore?.f1 ?? null)).toEqual([null, 0.5, 0.6]);
  expect(curve.points[0].checkpointName).toBe('Base NER');
  expect(curve.points[2].checkpointName).toBe('Base NER · v2 (Sample, 20 done)');

  // A checkpoint in the middle shows the chain up to itself; the base shows the newest chain from it.
  expect((await curveOf(v1)).points.map((p) => p.version)).toEqual([0, 1]);
  expect(await curveOf('base')).toMatchObject({
    version: 0,
    points: [{ version: 0 }, { version: 1 }, { version: 2 }],
  });

  // A branch: another v2 made later from v1 is the base's newest chain; the first v2 keeps its own.
  const v2b = await publishedRun('u2b', update(v1, 2, { trainExamples: 25 }));
  expect((await curveOf('base')).points.map((p) => p.checkpointId)).toEqual(['base', v1, v2b]);
  expect((await curveOf(v2)).points.map((p) => p.checkpointId)).toEqual(['base', v1, v2]);
  expect(await curveOf('unknown')).toEqual({ checkpointId: 'unknown', version: 0, points: [] });
});

it('refuses a model update record that is not one', async () => {
  await expect(
    call('trainingRuns.save', { run: runInput('bad-version', update('base', 0)) }),
  ).rejects.toThrow(/version/);
  await expect(
    call('trainingRuns.save', {
      run: runInput('bad-score', update('base', 1, { score: { ...score(0.5), f1: 1.5 } })),
    }),
  ).rejects.toThrow(/f1/);
  await expect(
    call('trainingRuns.save', {
      run: runInput('no-held-out', update('base', 1, { heldOutExamples: 0 })),
    }),
  ).rejects.toThrow(/heldOutExamples/);
});
