import {
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  readFileSync,
  unlinkSync,
  truncateSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from './services';
import { resolveCheckpointFile } from './checkpoints';

const fixtures = resolve(__dirname, '../../fixtures/nezha-tiny');
const resourcesDir = resolve(__dirname, '../../resources');

let dir: string;
let services: Services;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-ckpt-'));
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir, host: 'serve' });
});
afterEach(() => {
  services.close();
  rmSync(dir, { recursive: true, force: true });
});

function copyFixture(name: string): string {
  const target = join(dir, name);
  cpSync(join(fixtures, name), target, { recursive: true });
  return target;
}

describe('builtin checkpoints', () => {
  it('lists the trained demo model first, so views that default to the first checkpoint start with it', () => {
    const [first] = services.checkpoints.list();
    expect(first).toMatchObject({
      id: 'builtin-nezha-demo-ner',
      name: "NEZHA demo NER (People's Daily, MSRA, CLUENER; trained in-app)",
      builtin: true,
      architecture: 'NezhaForTokenClassification',
      labels: ['O', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'B-PER', 'I-PER'],
    });
  });

  it('lists the random-weight tiny model as builtin with its labels', async () => {
    const demo = services.checkpoints.list().find((c) => c.id === 'builtin-nezha-tiny-token-classification')!;
    expect(demo).toMatchObject({
      id: 'builtin-nezha-tiny-token-classification',
      name: 'NEZHA tiny (random weights, for testing)',
      builtin: true,
      architecture: 'NezhaForTokenClassification',
      format: 'safetensors',
      hiddenSize: 32,
      numLayers: 2,
      numLabels: 7,
      labels: ['B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG', 'O'],
    });
    expect(demo.files).toContain('model.safetensors');
    expect(demo.sizeBytes).toBeGreaterThan(statSync(join(demo.path, 'model.safetensors')).size);
    expect(() => services.checkpoints.remove(demo.id)).toThrow(/built into the app and cannot be removed/);
  });

  it('keeps one builtin record per resources/checkpoints folder across restarts', async () => {
    const builtinFolders = readdirSync(join(resourcesDir, 'checkpoints'), { withFileTypes: true }).filter(
      (e) => e.isDirectory(),
    ).length;
    services.close();
    services = await createServices({ dataDir: join(dir, 'data'), resourcesDir, host: 'serve' });
    expect(services.checkpoints.list().filter((c) => c.builtin)).toHaveLength(builtinFolders);
    expect(services.startupProblems).toEqual([]);
  });
});

describe('builtin folders', () => {
  it('takes every folder in resources/checkpoints, named by index.json or by the folder, and reports broken ones', async () => {
    const resources = join(dir, 'resources');
    cpSync(join(fixtures, 'token-classification'), join(resources, 'checkpoints', 'named'), {
      recursive: true,
    });
    cpSync(join(fixtures, 'base'), join(resources, 'checkpoints', 'unlisted'), { recursive: true });
    cpSync(join(fixtures, 'base'), join(resources, 'checkpoints', 'broken'), { recursive: true });
    unlinkSync(join(resources, 'checkpoints', 'broken', 'vocab.txt'));
    writeFileSync(
      join(resources, 'checkpoints', 'index.json'),
      JSON.stringify({ checkpoints: [{ folder: 'named', name: 'Named one' }] }),
    );
    const other = await createServices({
      dataDir: join(dir, 'other-data'),
      resourcesDir: resources,
      host: 'serve',
    });
    try {
      expect(other.checkpoints.list().map((c) => [c.id, c.name, c.builtin])).toEqual([
        ['builtin-named', 'Named one', true],
        ['builtin-unlisted', 'unlisted', true],
      ]);
      expect(other.startupProblems).toHaveLength(1);
      expect(other.startupProblems[0]).toMatch(/^Builtin checkpoint broken: .*broken\/vocab\.txt: missing/);
    } finally {
      other.close();
    }
    writeFileSync(
      join(resources, 'checkpoints', 'index.json'),
      JSON.stringify({ checkpoints: [{ folder: 'gone', name: 'x' }] }),
    );
    const third = await createServices({
      dataDir: join(dir, 'third'),
      resourcesDir: resources,
      host: 'serve',
    });
    expect(third.startupProblems).toEqual([
      expect.stringMatching(/index\.json: checkpoints\[0\] names folder "gone"/),
    ]);
    third.close();
  });
});

describe('checkpoint import', () => {
  it('imports a safetensors folder, refuses it twice, and removes it', async () => {
    const folder = copyFixture('sequence-classification');
    const record = await services.checkpoints.import(folder, 'My classifier');
    expect(record).toMatchObject({
      name: 'My classifier',
      builtin: false,
      format: 'safetensors',
      numLabels: 3,
      path: folder,
    });
    expect(record.labels).toEqual(['negative', 'neutral', 'positive']);
    expect(services.checkpoints.get(record.id)).toEqual(record);
    await expect(services.checkpoints.import(folder)).rejects.toThrow(
      /already in the library as "My classifier"/,
    );
    expect(services.checkpoints.remove(record.id)).toEqual({ removed: true });
    expect(services.checkpoints.find(record.id)).toBeNull();
    expect(services.checkpoints.remove(record.id)).toEqual({ removed: false });
  });

  it('imports a pytorch_model.bin-only folder with a NeZha* architecture and leftover keys', async () => {
    const folder = copyFixture('pretraining');
    unlinkSync(join(folder, 'model.safetensors'));
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    delete config.model_type;
    config.architectures = ['NeZhaForMaskedLM'];
    config.use_relative_position = true;
    writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
    const record = await services.checkpoints.import(folder);
    expect(record).toMatchObject({
      format: 'pytorch',
      architecture: 'NeZhaForMaskedLM',
      name: 'pretraining',
    });
  });

  it('imports a sharded folder and rejects an index naming a missing shard', async () => {
    const folder = copyFixture('base');
    const index = {
      metadata: {},
      weight_map: { 'embeddings.word_embeddings.weight': 'model-00001-of-00001.safetensors' },
    };
    writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify(index));
    cpSync(join(folder, 'model.safetensors'), join(folder, 'model-00001-of-00001.safetensors'));
    unlinkSync(join(folder, 'model.safetensors'));
    expect((await services.checkpoints.import(folder)).format).toBe('sharded-safetensors');

    const broken = copyFixture('multiple-choice');
    writeFileSync(
      join(broken, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { a: 'missing.safetensors' } }),
    );
    unlinkSync(join(broken, 'model.safetensors'));
    await expect(services.checkpoints.import(broken)).rejects.toThrow(
      /model\.safetensors\.index\.json: weight_map names shard 'missing\.safetensors'/,
    );
  });

  const broken: [string, (folder: string) => void, RegExp][] = [
    ['a missing config.json', (f) => unlinkSync(join(f, 'config.json')), /config\.json: missing/],
    [
      'invalid JSON in config.json',
      (f) => writeFileSync(join(f, 'config.json'), '{"model_type": "nezha",\n  oops}'),
      /config\.json:2:3: invalid JSON/,
    ],
    [
      'a BERT config',
      (f) =>
        writeFileSync(
          join(f, 'config.json'),
          JSON.stringify({ model_type: 'bert', architectures: ['BertModel'] }),
        ),
      /not a NEZHA checkpoint \(model_type "bert"/,
    ],
    ['a missing vocab.txt', (f) => unlinkSync(join(f, 'vocab.txt')), /vocab\.txt: missing/],
    ['no weight file', (f) => unlinkSync(join(f, 'model.safetensors')), /no weight file/],
    [
      'a truncated safetensors file',
      (f) => truncateSync(join(f, 'model.safetensors'), 1000),
      /model\.safetensors: .*(header length|data_offsets)/,
    ],
    [
      'a hidden_size that does not match the weights',
      (f) => {
        const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8'));
        writeFileSync(join(f, 'config.json'), JSON.stringify({ ...config, hidden_size: 64 }));
      },
      /model\.safetensors: "nezha\.embeddings\.word_embeddings\.weight" has shape \[21128, 32\] but config\.json hidden_size is 64/,
    ],
    [
      'more layers in config.json than in the weights',
      (f) => {
        const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8'));
        writeFileSync(join(f, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 3 }));
      },
      /model\.safetensors: the weights hold 2 encoder layers .* num_hidden_layers is 3/,
    ],
    [
      'labels that do not match the classifier',
      (f) => {
        const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8'));
        writeFileSync(
          join(f, 'config.json'),
          JSON.stringify({ ...config, id2label: { 0: 'O', 1: 'B-PER' }, label2id: undefined }),
        );
      },
      /"classifier\.weight" has 7 rows but config\.json has 2 labels/,
    ],
    [
      'a bad hidden_size',
      (f) => {
        const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8'));
        writeFileSync(join(f, 'config.json'), JSON.stringify({ ...config, hidden_size: 'big' }));
      },
      /"hidden_size" must be a positive integer/,
    ],
  ];
  for (const [what, breakIt, message] of broken) {
    it(`rejects a folder with ${what}, naming the file`, async () => {
      const folder = copyFixture('token-classification');
      breakIt(folder);
      const before = services.checkpoints.list();
      await expect(services.checkpoints.import(folder)).rejects.toThrow(message);
      expect(services.checkpoints.list()).toEqual(before);
    });
  }

  it('rejects a path that is not a folder', async () => {
    await expect(services.checkpoints.import(join(dir, 'nope'))).rejects.toThrow(
      /Checkpoint folder not found/,
    );
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    await expect(services.checkpoints.import(file)).rejects.toThrow(
      /is a file; choose the checkpoint FOLDER/,
    );
  });
});

describe('resolveCheckpointFile', () => {
  it('resolves only files listed in the record', async () => {
    const demo = services.checkpoints.list()[0];
    expect(resolveCheckpointFile(services.checkpoints, demo.id, 'config.json')).toBe(
      join(demo.path, 'config.json'),
    );
    expect(() => resolveCheckpointFile(services.checkpoints, demo.id, '../index.json')).toThrow(
      /has no file "\.\.\/index\.json"/,
    );
    expect(() => resolveCheckpointFile(services.checkpoints, 'nope', 'config.json')).toThrow(/No checkpoint/);
  });
});
