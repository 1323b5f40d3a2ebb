import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inspectCheckpointFolder, memoryCheckpointSource } from '../checkpoint';
import { importDataset } from '../datasets';
import { checkHeadCompatibility, datasetLabelsOf, type HeadCheckInput } from './compatibility';
import type { BenchmarkData } from './types';

const tiny = fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url));
const datasets = fileURLToPath(new URL('../../fixtures/datasets', import.meta.url));

/** A fixture folder's config.json and tensor names/shapes, read from the headers as the app does on import. */
async function checkpoint(folder: string): Promise<Pick<HeadCheckInput, 'config' | 'tensors'>> {
  const files = new Map(
    readdirSync(`${tiny}/${folder}`).map((f) => [f, new Uint8Array(readFileSync(`${tiny}/${folder}/${f}`))]),
  );
  const inspected = await inspectCheckpointFolder(memoryCheckpointSource(files, folder));
  return { config: inspected.config, tensors: inspected.tensors };
}

function labelsOf(file: string): string[] {
  const result = importDataset(readFileSync(`${datasets}/${file}`), { file });
  return datasetLabelsOf({ task: result.task, records: result.records } as BenchmarkData);
}

function refusal(check: ReturnType<typeof checkHeadCompatibility>): string {
  expect(check.ok, 'the check should refuse').toBe(false);
  return check.ok ? '' : check.reasons.join('\n');
}

describe('task ↔ head compatibility', () => {
  it("accepts the token-classification head for People's Daily (PER/LOC/ORG tags), matched by name", async () => {
    const datasetLabels = labelsOf('peoples_daily_ner/example.dev');
    expect(datasetLabels).toEqual(['LOC', 'ORG', 'PER']);
    const check = checkHeadCompatibility({
      task: 'ner',
      ...(await checkpoint('token-classification')),
      datasetLabels,
    });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.plan.className).toBe('NezhaForTokenClassification');
    expect(check.plan.id2label).toEqual(['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O']);
    expect(check.plan.notes).toEqual([]);
  });

  it('refuses NER when the dataset has entity types the head never tags, naming them', async () => {
    const reasons = refusal(
      checkHeadCompatibility({
        task: 'ner',
        ...(await checkpoint('token-classification')),
        datasetLabels: ['LOC', 'GPE', 'PER'],
      }),
    );
    expect(reasons).toMatch(/"GPE" is not tagged by the checkpoint/);
    expect(reasons).toContain('"PER", "LOC", "ORG"');
  });

  it('refuses the 3-label sentiment head for LCQMC (labels 0/1): label names and num_labels named', async () => {
    const datasetLabels = labelsOf('lcqmc/dev.excerpt.txt');
    expect(datasetLabels).toEqual(['0', '1']);
    const reasons = refusal(
      checkHeadCompatibility({
        task: 'pair',
        ...(await checkpoint('sequence-classification')),
        datasetLabels,
      }),
    );
    expect(reasons).toMatch(
      /labels do not match: the dataset's "0", "1" are not in the checkpoint's id2label/,
    );
    expect(reasons).toContain('"negative", "neutral", "positive"');
    expect(reasons).toMatch(/num_labels is 3, the dataset has 2 labels/);
  });

  it('matches sentiment labels by id2label name; a model label the dataset lacks is noted, not refused', async () => {
    const check = checkHeadCompatibility({
      task: 'classification',
      ...(await checkpoint('sequence-classification')),
      datasetLabels: ['positive', 'Negative'],
    });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.plan.labelMatch).toBe('names');
    // Class 0 "negative" predicts the dataset's "Negative" (case-insensitive match); "neutral" stays as it is.
    expect(check.plan.id2label).toEqual(['Negative', 'neutral', 'positive']);
    expect(check.plan.notes.join(' ')).toMatch(/also predicts "neutral"/);
  });

  it('maps placeholder LABEL_i names by index, by sorted order, or refuses a wrong num_labels', async () => {
    const { config, tensors } = await checkpoint('sequence-classification');
    const raw: Record<string, unknown> = { ...(config as Record<string, unknown>), num_labels: 3 };
    delete raw.id2label;
    delete raw.label2id;
    const byIndex = checkHeadCompatibility({
      task: 'pair',
      config: raw,
      tensors,
      datasetLabels: ['2', '0', '1'],
    });
    expect(byIndex.ok && byIndex.plan.labelMatch).toBe('index');
    expect(byIndex.ok && byIndex.plan.id2label).toEqual(['0', '1', '2']);
    const sorted = checkHeadCompatibility({
      task: 'pair',
      config: raw,
      tensors,
      datasetLabels: ['neutral', 'entailment', 'contradiction'],
    });
    expect(sorted.ok && sorted.plan.labelMatch).toBe('sorted');
    expect(sorted.ok && sorted.plan.id2label).toEqual(['contradiction', 'entailment', 'neutral']);
    expect(sorted.ok && sorted.plan.notes[0]).toMatch(/LABEL_0 = "contradiction"/);
    const reasons = refusal(
      checkHeadCompatibility({ task: 'pair', config: raw, tensors, datasetLabels: ['0', '1'] }),
    );
    expect(reasons).toMatch(/wrong num_labels: the checkpoint has 3 classes .* but the dataset has 2 labels/);
  });

  it('refuses a checkpoint without the head the task needs, and a head saved for another task', async () => {
    const base = await checkpoint('base');
    expect(
      refusal(checkHeadCompatibility({ task: 'classification', ...base, datasetLabels: ['0', '1'] })),
    ).toMatch(
      /no classifier head \(no "classifier.weight" weight.*needs a fine-tuned NezhaForSequenceClassification/,
    );
    expect(refusal(checkHeadCompatibility({ task: 'qa', ...base }))).toMatch(/no qa_outputs head/);
    const ner = await checkpoint('token-classification');
    expect(
      refusal(checkHeadCompatibility({ task: 'classification', ...ner, datasetLabels: ['B-PER', 'O'] })),
    ).toMatch(/saved as NezhaForTokenClassification .* needs NezhaForSequenceClassification/);
    const multiLabel = await checkpoint('sequence-classification-multilabel');
    expect(
      refusal(checkHeadCompatibility({ task: 'classification', ...multiLabel, datasetLabels: ['a'] })),
    ).toMatch(/multi-label model/);
  });

  it('accepts the QA and multiple-choice heads for CMRC 2018 and C3', async () => {
    const qa = checkHeadCompatibility({ task: 'qa', ...(await checkpoint('question-answering')) });
    expect(qa.ok && qa.plan.className).toBe('NezhaForQuestionAnswering');
    const mc = checkHeadCompatibility({ task: 'mc', ...(await checkpoint('multiple-choice')) });
    expect(mc.ok && mc.plan.className).toBe('NezhaForMultipleChoice');
  });

  it('refuses a classifier whose rows disagree with id2label', async () => {
    const { config, tensors } = await checkpoint('sequence-classification');
    const shrunk = [...tensors].map((t) => (t.name === 'classifier.weight' ? { ...t, shape: [2, 32] } : t));
    expect(
      refusal(
        checkHeadCompatibility({
          task: 'classification',
          config,
          tensors: shrunk,
          datasetLabels: ['positive'],
        }),
      ),
    ).toMatch(
      /"classifier.weight" has shape \[2, 32\], but NezhaForSequenceClassification needs 3 output row/,
    );
  });
});
