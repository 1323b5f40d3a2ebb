import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPytorchBin } from '../checkpoint/pytorchBin';
import { loadCheckpointFolder } from '../checkpoint/folder';
import { writeHfFolder } from '../checkpoint/hfFolder';
import { bytesRangeReader, memoryCheckpointSource } from '../checkpoint/source';
import type { StateDict } from '../checkpoint/types';
import { NezhaConfig } from './config';
import { TinyFixtures } from './fixtureReader';
import { disposeBatch, goldenBatch } from './goldenCase';
import type { NezhaClassName } from './heads';
import { NEZHA_CLASS_NAMES } from './heads';
import { createNezha, exportStateDict, loadNezha } from './weights';

const fixtures = new TinyFixtures(
  fileURLToPath(new URL('../../fixtures/nezha-tiny', import.meta.url)),
  (path) => readFileSync(path),
);
const stateDictKeys = fixtures.json<{
  folders: Record<
    string,
    { safetensors_keys: Record<string, unknown>; pytorch_model_bin_keys?: Record<string, number[]> }
  >;
}>('goldens', 'state_dict_keys.json').folders;

async function readBin(folder: string): Promise<StateDict> {
  const bytes = readFileSync(fixtures.path(folder, 'pytorch_model.bin'));
  return readPytorchBin(bytesRangeReader(new Uint8Array(bytes), `${folder}/pytorch_model.bin`));
}

function lastHidden(className: NezhaClassName, folder: string, state?: StateDict): Float32Array {
  const config = fixtures.config(folder);
  const { model } = loadNezha(className, config, state ?? fixtures.stateDict(folder));
  const golden = fixtures.goldenCase('model');
  const batch = goldenBatch(golden.inputs, null);
  const output = model.forward(batch, { outputHiddenStates: true });
  const values = output.hiddenStates![config.numHiddenLayers].dataSync() as Float32Array;
  tf.dispose(output as unknown as tf.TensorContainer);
  disposeBatch(batch);
  model.dispose();
  return Float32Array.from(values);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('loading checkpoints', () => {
  it('NezhaModel takes nezha.-prefixed keys and reports the heads’ keys as unexpected', () => {
    const { model, missingKeys, unexpectedKeys } = fixtures.load('NezhaModel', 'pretraining');
    expect(missingKeys).toEqual([]);
    expect(unexpectedKeys.sort()).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.LayerNorm.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.dense.weight',
      'cls.seq_relationship.bias',
      'cls.seq_relationship.weight',
    ]);
    expect([...model.namedParameters().keys()]).toEqual(
      Object.keys(stateDictKeys.base.safetensors_keys).sort((a, b) => order(a) - order(b)),
    );
    model.dispose();
    expect(lastHidden('NezhaModel', 'pretraining')).toEqual(lastHidden('NezhaModel', 'base'));
  });

  it('a head takes an unprefixed base checkpoint and initialises its own weights (missing_keys)', () => {
    const { model, missingKeys, unexpectedKeys } = loadNezha(
      'NezhaForTokenClassification',
      fixtures.config('token-classification'),
      fixtures.stateDict('base'),
      { seed: 5 },
    );
    expect(missingKeys).toEqual(['classifier.weight', 'classifier.bias']);
    expect(unexpectedKeys.sort()).toEqual(['pooler.dense.bias', 'pooler.dense.weight']);
    const parameters = model.namedParameters();
    const weight = parameters.get('classifier.weight')!.dataSync() as Float32Array;
    const mean = weight.reduce((a, b) => a + b, 0) / weight.length;
    const std = Math.sqrt(weight.reduce((a, b) => a + (b - mean) ** 2, 0) / weight.length);
    expect(weight.length).toBe(7 * 32);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(std).toBeGreaterThan(0.08); // initializer_range 0.1
    expect(std).toBeLessThan(0.12);
    expect(Array.from(parameters.get('classifier.bias')!.dataSync())).toEqual(new Array(7).fill(0));
    // Same seed, same initialisation.
    const again = loadNezha(
      'NezhaForTokenClassification',
      fixtures.config('token-classification'),
      fixtures.stateDict('base'),
      { seed: 5 },
    );
    expect(again.model.namedParameters().get('classifier.weight')!.dataSync()).toEqual(weight);
    again.model.dispose();
    model.dispose();
    expect(lastHidden('NezhaForTokenClassification', 'base')).toEqual(lastHidden('NezhaModel', 'base'));
  });

  it('MaskedLM from pytorch_model.bin: the decoder aliases are re-tied, not unexpected; same outputs as safetensors', async () => {
    const bin = await readBin('pretraining');
    expect(bin.has('cls.predictions.decoder.weight')).toBe(true);
    expect(bin.size).toBe(47);
    const { model, missingKeys, unexpectedKeys } = loadNezha(
      'NezhaForMaskedLM',
      fixtures.config('pretraining'),
      bin,
    );
    expect(missingKeys).toEqual([]);
    expect(unexpectedKeys.sort()).toEqual([
      'cls.seq_relationship.bias',
      'cls.seq_relationship.weight',
      'nezha.pooler.dense.bias',
      'nezha.pooler.dense.weight',
    ]);
    // The decoder is the word-embedding variable itself.
    const lm = model as unknown as { cls: { predictions: { decoderWeight: tf.Variable } } };
    expect(lm.cls.predictions.decoderWeight).toBe(
      model.namedParameters().get('nezha.embeddings.word_embeddings.weight'),
    );
    model.dispose();
    expect(lastHidden('NezhaForMaskedLM', 'pretraining', bin)).toEqual(
      lastHidden('NezhaForMaskedLM', 'pretraining'),
    );
  });

  it('refuses a key with the wrong shape, naming the key and both shapes', () => {
    const state: StateDict = new Map(fixtures.stateDict('sequence-classification'));
    const classifier = state.get('classifier.weight')!;
    state.set('classifier.weight', { ...classifier, shape: [2, 48], data: new Float32Array(96) });
    const before = tf.memory().numTensors;
    expect(() =>
      loadNezha('NezhaForSequenceClassification', fixtures.config('sequence-classification'), state),
    ).toThrow(
      /"classifier\.weight": has shape \[2, 48\] in the checkpoint but the model \(from config\.json\) needs \[3, 32\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const wrongAlias: StateDict = new Map(fixtures.stateDict('pretraining'));
    wrongAlias.set('cls.predictions.decoder.bias', {
      storedDtype: 'F32',
      shape: [7],
      data: new Float32Array(7),
    });
    expect(() => loadNezha('NezhaForPreTraining', fixtures.config('pretraining'), wrongAlias)).toThrow(
      /cls\.predictions\.decoder\.bias.*\[7\].*cls\.predictions\.bias.*\[21128\]/,
    );
  });

  it('refuses integer tensors for float parameters and unknown class names', () => {
    const state: StateDict = new Map(fixtures.stateDict('base'));
    state.set('pooler.dense.bias', { storedDtype: 'I64', shape: [32], data: new BigInt64Array(32) });
    expect(() => loadNezha('NezhaModel', fixtures.config('base'), state)).toThrow(
      /"pooler\.dense\.bias": is stored as I64/,
    );
    expect(() => loadNezha('NeZhaForMaskedLM', fixtures.config('base'), state)).toThrow(
      /unknown NEZHA class "NeZhaForMaskedLM"/,
    );
  });

  it('renames TF-era LayerNorm gamma/beta keys as HF does', () => {
    const state: StateDict = new Map();
    for (const [key, record] of fixtures.stateDict('base')) {
      state.set(
        key.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
        record,
      );
    }
    const { model, missingKeys, unexpectedKeys } = loadNezha('NezhaModel', fixtures.config('base'), state);
    expect(missingKeys).toEqual([]);
    expect(unexpectedKeys).toEqual([]);
    model.dispose();
  });

  for (const className of NEZHA_CLASS_NAMES) {
    it(`${className}: dispose() releases every tensor`, () => {
      const before = tf.memory().numTensors;
      const config = new NezhaConfig({ ...fixtures.config('base').toDict(), id2label: null, label2id: null });
      const model = createNezha(className, config, 3);
      const ids = className === 'NezhaForMultipleChoice' ? [[[101, 2769, 102]]] : [[101, 2769, 102]];
      const inputIds = tf.tensor(ids, undefined, 'int32');
      tf.dispose(
        model.forward(
          { inputIds },
          { outputAttentions: true, outputHiddenStates: true },
        ) as unknown as tf.TensorContainer,
      );
      inputIds.dispose();
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

/** HF state_dict order of a key (from the pytorch_model.bin listing), unprefixed. */
function order(key: string): number {
  const keys = Object.keys(stateDictKeys.pretraining.pytorch_model_bin_keys!);
  return keys.indexOf(key.startsWith('nezha.') ? key : `nezha.${key}`);
}

describe('exporting', () => {
  it('exportStateDict gives the safetensors keys and values back; with aliases, the .bin’s 47 keys in order', async () => {
    const { model } = fixtures.load('NezhaForPreTraining', 'pretraining');
    const exported = await exportStateDict(model);
    const original = fixtures.stateDict('pretraining');
    expect(new Set(exported.keys())).toEqual(new Set(original.keys()));
    for (const [key, record] of exported) {
      expect(record.shape, key).toEqual(original.get(key)!.shape);
      expect(record.data, key).toEqual(original.get(key)!.data);
    }
    const withAliases = await exportStateDict(model, { includeTiedAliases: true });
    expect([...withAliases.keys()]).toEqual(Object.keys(stateDictKeys.pretraining.pytorch_model_bin_keys!));
    expect(withAliases.get('cls.predictions.decoder.weight')!.data).toEqual(
      original.get('nezha.embeddings.word_embeddings.weight')!.data,
    );
    model.dispose();
  });

  it('a freshly created model follows HF’s _init_weights: LayerNorm 1/0, biases 0, padding row 0', async () => {
    const config = new NezhaConfig({
      vocab_size: 40,
      hidden_size: 8,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 16,
    });
    const model = createNezha('NezhaForPreTraining', config, 11);
    const state = await exportStateDict(model);
    const values = (key: string) => Array.from(state.get(key)!.data as Float32Array);
    expect(values('nezha.embeddings.LayerNorm.weight')).toEqual(new Array(8).fill(1));
    expect(values('nezha.encoder.layer.0.output.LayerNorm.bias')).toEqual(new Array(8).fill(0));
    expect(values('cls.predictions.bias')).toEqual(new Array(40).fill(0));
    const embeddings = values('nezha.embeddings.word_embeddings.weight');
    expect(embeddings.slice(0, 8)).toEqual(new Array(8).fill(0)); // pad_token_id 0
    expect(embeddings.slice(8, 16).some((v) => v !== 0)).toBe(true);
    model.dispose();
  });
});

describe('saving as an HF folder', () => {
  it('a loaded model saved with writeHfFolder and loaded back gives identical outputs', async () => {
    const golden = fixtures.goldenCase('token_classification');
    const folder = golden.checkpoint;
    const config = fixtures.config(folder);
    const className = golden.model_class as NezhaClassName;
    const run = (state: StateDict, cfg: NezhaConfig) => {
      const { model } = loadNezha(className, cfg, state);
      const batch = goldenBatch(golden.inputs, golden.labels);
      const output = model.forward(batch, { outputHiddenStates: true, outputAttentions: true });
      const values = [output.logits!, ...output.hiddenStates!, ...output.attentions!].map((t) =>
        Float32Array.from(t.dataSync()),
      );
      const loss = output.loss!.dataSync()[0];
      tf.dispose(output as unknown as tf.TensorContainer);
      disposeBatch(batch);
      model.dispose();
      return { values, loss };
    };

    const { model } = loadNezha(className, config, fixtures.stateDict(folder));
    const files = writeHfFolder({
      config: config.toJSON(className),
      stateDict: await exportStateDict(model),
      vocab: fixtures.text(folder, 'vocab.txt'),
    });
    model.dispose();
    const reloaded = await loadCheckpointFolder(memoryCheckpointSource(files, 'saved'));
    expect(reloaded.format).toBe('safetensors');
    const reloadedConfig = NezhaConfig.fromJsonText(new TextDecoder().decode(files.get('config.json')));

    const original = run(fixtures.stateDict(folder), config);
    const roundTripped = run(reloaded.stateDict, reloadedConfig);
    expect(roundTripped.loss).toBe(original.loss);
    expect(roundTripped.values).toEqual(original.values);
  });
});
