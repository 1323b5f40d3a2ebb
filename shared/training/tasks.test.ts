import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { loadCheckpointFolder } from '../checkpoint/folder';
import { readSafetensors } from '../checkpoint/safetensors';
import { memoryCheckpointSource } from '../checkpoint/source';
import { importDataset } from '../datasets/importDataset';
import type { McExample, PairExample, QaExample } from '../datasets/types';
import { NezhaConfig } from '../nezha/config';
import '../nezha/gradients';
import { loadNezha } from '../nezha/weights';
import { BertTokenizer } from '../tokenizer';
import type { TrainingTask } from '../nezha/tasks';
import { questionAnsweringFeatures, tokenClassificationFeatures } from './features';
import { buildTrainingJob, trainedFolderFiles, trainingRecord, type TrainingRecords } from './job';
import { DEFAULT_TRAINING_SETTINGS, train, type TrainingSettings } from './trainer';
import { loadJiebaSegmenter } from './wholeWordMasking';

/*
 * Every task of the guides goes through the same path on the nezha-tiny fixture checkpoints:
 * rows as HF's guides build them, two optimizer steps with dropout on, dev metrics, and an HF
 * folder that loads back to the same model.
 */

const root = fileURLToPath(new URL('../../fixtures', import.meta.url));
setWasmPaths(
  fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
);
const vocabText = readFileSync(`${root}/vocab/bert-base-chinese-vocab.txt`, 'utf8');
const tokenizer = BertTokenizer.fromFiles({ vocabText });

function checkpoint(folder: string) {
  const dir = `${root}/nezha-tiny/${folder}`;
  return {
    config: NezhaConfig.fromJsonText(readFileSync(`${dir}/config.json`, 'utf8')),
    stateDict: readSafetensors(readFileSync(`${dir}/model.safetensors`), 'model.safetensors'),
  };
}

function dataset<T>(file: string): T[] {
  const path = `${root}/datasets/${file}`;
  return importDataset(new Uint8Array(readFileSync(path)), { file: path }).records as T[];
}

describe('rows as the task guides build them', () => {
  it('token classification labels the first piece of each word; -100 on specials and later pieces', () => {
    const label2id = new Map([
      ['O', 0],
      ['B-ORG', 1],
      ['I-ORG', 2],
      ['B-LOC', 3],
      ['I-LOC', 4],
    ]);
    const text = 'Microsoft在北京';
    const [feature] = tokenClassificationFeatures(
      [
        {
          text,
          spans: [
            { start: 0, end: 9, label: 'ORG' },
            { start: 10, end: 12, label: 'LOC' },
          ],
        },
      ],
      tokenizer,
      label2id,
      32,
    );
    const tokens = tokenizer.convertIdsToTokens(feature.inputIds as number[]);
    expect(tokens).toEqual(['[CLS]', 'microsoft', '在', '北', '京', '[SEP]']);
    expect(feature.tokenLabels).toEqual([-100, 1, 0, 3, 4, -100]);
    const [pieces] = tokenClassificationFeatures(
      [{ text: 'Nezhastudio在', spans: [{ start: 0, end: 11, label: 'ORG' }] }],
      tokenizer,
      label2id,
      32,
    );
    const pieceTokens = tokenizer.convertIdsToTokens(pieces.inputIds as number[]);
    expect(pieceTokens.length).toBeGreaterThan(4);
    expect(pieceTokens[2].startsWith('##')).toBe(true);
    expect(pieces.tokenLabels![1]).toBe(1);
    expect(pieces.tokenLabels!.slice(2, -2).every((l) => l === -100)).toBe(true);
    expect(pieces.tokenLabels!.at(-2)).toBe(0);
  });

  it('QA windows carry the answer tokens (decoding them gives the answer) or [CLS] when cut off', () => {
    const examples = dataset<QaExample>('cmrc2018/cmrc2018_dev.excerpt.json')
      .filter((e) => e.answers[0].start >= 0)
      .slice(0, 20);
    const features = questionAnsweringFeatures(examples, tokenizer, 96, 32);
    expect(features.length).toBeGreaterThan(examples.length);
    let inside = 0;
    for (const f of features) {
      const example = examples[f.exampleIndex];
      if (f.startPosition === 0) {
        expect(f.endPosition).toBe(0);
        continue;
      }
      inside++;
      const offsets = f.encoding!.codePointOffsets;
      const text = [...example.context]
        .slice(offsets[f.startPosition!]![0], offsets[f.endPosition!]![1])
        .join('');
      expect(text).toBe(example.answers[0].text);
    }
    expect(inside).toBeGreaterThanOrEqual(examples.length);
  });
});

interface TaskCase {
  task: TrainingTask;
  checkpoint: string;
  data: () => TrainingRecords;
  metric: string;
  nextSentence?: boolean;
}

const cases: TaskCase[] = [
  {
    task: 'pair-classification',
    checkpoint: 'sequence-classification',
    data: () => ({
      task: 'pair-classification',
      records: dataset<PairExample>('lcqmc/dev.excerpt.txt').slice(0, 24),
    }),
    metric: 'accuracy',
  },
  {
    task: 'multi-label-classification',
    checkpoint: 'sequence-classification-multilabel',
    data: () => ({
      task: 'multi-label-classification',
      records: Array.from({ length: 20 }, (_, i) => ({
        text:
          ['中国队夺得冠军', '国务院发布新政策', '人工智能芯片发布', '股市今天上涨'][i % 4] +
          '。'.repeat(i % 3),
        labels: [['sports'], ['politics'], ['technology', 'finance'], ['finance']][i % 4],
      })),
    }),
    metric: 'micro_f1',
  },
  {
    task: 'regression',
    checkpoint: 'sequence-classification-regression',
    data: () => ({
      task: 'regression',
      records: Array.from({ length: 20 }, (_, i) => ({ text: `评分${i}分的句子`, value: i / 4 })),
    }),
    metric: 'mse',
  },
  {
    task: 'question-answering',
    checkpoint: 'question-answering',
    data: () => ({
      task: 'question-answering',
      records: dataset<QaExample>('cmrc2018/cmrc2018_dev.excerpt.json').slice(0, 12),
    }),
    metric: 'f1',
  },
  {
    task: 'multiple-choice',
    checkpoint: 'multiple-choice',
    data: () => ({
      task: 'multiple-choice',
      records: dataset<McExample>('c3/c3-m-dev.excerpt.json').slice(0, 12),
    }),
    metric: 'accuracy',
  },
  {
    task: 'masked-lm',
    checkpoint: 'pretraining',
    data: () => ({
      task: 'masked-lm',
      records: [
        '我们在北京天安门广场看升旗仪式。中华人民共和国万岁！',
        '今天的天气非常好。我们一起去公园散步吧。',
        '人工智能正在改变世界。机器学习需要大量的数据。',
        '这家酒店的服务很周到。房间干净整洁，价格也合理。',
        '他在上海读书。学校离家很远。每天坐地铁上学。',
      ],
    }),
    metric: 'loss',
    nextSentence: true,
  },
];

describe('every task trains and saves an HF folder', () => {
  for (const c of cases) {
    it(`${c.task}${c.nextSentence ? ' (with NSP)' : ''}`, async () => {
      expect(await tf.setBackend('wasm')).toBe(true);
      const { config, stateDict } = checkpoint(c.checkpoint);
      const settings: TrainingSettings = {
        ...DEFAULT_TRAINING_SETTINGS,
        task: c.task,
        maxSteps: 2,
        batchSize: 4,
        learningRate: 1e-3,
        warmupRatio: 0,
        seed: 1,
      };
      const job = buildTrainingJob({
        data: c.data(),
        devFraction: 0.25,
        config,
        stateDict,
        tokenizer,
        settings,
        maxLength: 64,
        docStride: 16,
        numChoices: 4,
        segmenter: c.task === 'masked-lm' ? await loadJiebaSegmenter() : undefined,
        withNextSentence: c.nextSentence,
      });
      const before = new Map([...job.model.namedParameters()].map(([n, v]) => [n, v.dataSync().slice()]));
      const result = await train({ model: job.model, settings, train: job.train, evaluate: job.evaluate });
      expect(result.state.step).toBe(2);
      expect(result.state.lossHistory.every((h) => Number.isFinite(h.loss))).toBe(true);
      expect(result.finalDev?.metricName).toBe(c.metric);
      expect(Number.isFinite(result.finalDev!.metric)).toBe(true);
      const after = job.model.namedParameters();
      const changed = [...before].filter(
        ([n, v]) =>
          !after
            .get(n)!
            .dataSync()
            .every((x, i) => x === v[i]),
      );
      expect(changed.length).toBeGreaterThan(before.size / 2);

      const files = await trainedFolderFiles(job.model, vocabText, trainingRecord(job, result));
      const folderConfig = JSON.parse(new TextDecoder().decode(files.get('config.json')));
      expect(folderConfig.architectures).toEqual([job.model.className]);
      expect(Object.keys(folderConfig.id2label).length).toBe(job.config.numLabels);
      expect(JSON.parse(new TextDecoder().decode(files.get('training_record.json'))).steps).toBe(2);
      const loaded = await loadCheckpointFolder(memoryCheckpointSource(files));
      const reloaded = loadNezha(
        job.model.className,
        new NezhaConfig(loaded.config as never),
        loaded.stateDict,
      );
      expect(reloaded.missingKeys).toEqual([]);
      for (const [name, variable] of reloaded.model.namedParameters()) {
        expect(variable.dataSync(), name).toEqual(after.get(name)!.dataSync());
      }
      reloaded.model.dispose();
      job.model.dispose();
    }, 60_000);
  }
});
