import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from './services';

const resourcesDir = resolve(__dirname, '../../resources');

let dir: string;
let services: Services | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nezha-builtin-datasets-'));
});
afterEach(() => {
  services?.close();
  services = null;
  rmSync(dir, { recursive: true, force: true });
});

async function start(resources = resourcesDir): Promise<Services> {
  services?.close();
  services = await createServices({ dataDir: join(dir, 'data'), resourcesDir: resources, host: 'serve' });
  return services;
}

describe('builtin datasets', () => {
  it('imports the sample corpora of resources/datasets on first start, marked built-in', async () => {
    const s = await start();
    expect(s.startupProblems).toEqual([]);
    const builtins = s.datasetStore.list().filter((d) => d.builtin);
    expect(builtins.map((d) => [d.id, d.task, d.exampleCount, d.readOnly])).toEqual([
      ['builtin-chnsenticorp-dev.tsv', 'classification', 1200, true],
      ['builtin-peoples-daily-heldout.txt', 'ner', 348, true],
      ['builtin-peoples-daily-sample.jsonl', 'ner', 348, false],
    ]);
    // The sample has text only; the held-out set carries gold PER/LOC/ORG spans.
    expect(
      s.datasetStore.nerRecords('builtin-peoples-daily-sample.jsonl').every((r) => r.spans.length === 0),
    ).toBe(true);
    const gold = s.datasetStore.nerRecords('builtin-peoples-daily-heldout.txt');
    expect(new Set(gold.flatMap((r) => r.spans.map((span) => span.label)))).toEqual(
      new Set(['PER', 'LOC', 'ORG']),
    );
    // The text-only sample still starts with the entity labels (index.json), ready for hotkeys (which the
    // Annotate view assigns by name: no key is stored).
    expect(
      s.datasetStore.labels('builtin-peoples-daily-sample.jsonl').map((l) => [l.name, l.hotkey]),
    ).toEqual([
      ['PER', null],
      ['LOC', null],
      ['ORG', null],
    ]);
    expect(() => s.datasetStore.remove('builtin-peoples-daily-sample.jsonl')).toThrow(/cannot be removed/);
  });

  it('never imports one twice or replaces it on a later start, even when the file changed', async () => {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'datasets'), { recursive: true });
    const file = join(resources, 'datasets', 'sample.jsonl');
    writeFileSync(file, '{"text": "新华社北京电", "spans": []}\n');
    writeFileSync(
      join(resources, 'datasets', 'index.json'),
      JSON.stringify({ datasets: [{ file: 'sample.jsonl', name: 'Sample' }] }),
    );
    const first = await start(resources);
    const before = first.datasetStore.list().find((d) => d.id === 'builtin-sample.jsonl')!;
    expect(before).toMatchObject({ name: 'Sample', builtin: true, exampleCount: 1 });
    writeFileSync(file, '{"text": "新华社北京电", "spans": []}\n{"text": "江泽民主席", "spans": []}\n');
    const second = await start(resources);
    expect(second.datasetStore.list().filter((d) => d.builtin)).toEqual([before]);
  });

  it('reports a broken index or a missing file without stopping the app', async () => {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'datasets'), { recursive: true });
    const index = join(resources, 'datasets', 'index.json');
    writeFileSync(index, JSON.stringify({ datasets: [{ file: 'missing.txt', name: 'Gone' }] }));
    const s = await start(resources);
    expect(s.startupProblems).toEqual([
      `Builtin datasets: ${index}: datasets[0] names "missing.txt", which is not a file in ${join(resources, 'datasets')}.`,
    ]);
    writeFileSync(index, JSON.stringify({ datasets: [{ file: 'x.txt' }] }));
    expect((await start(resources)).startupProblems[0]).toMatch(/index\.json: datasets\.0\.name: /);
    // A file that does not parse: named with its line, nothing half-imported.
    copyFileSync(
      join(resourcesDir, 'datasets', 'peoples-daily-sample.jsonl'),
      join(resources, 'datasets', 'ok.jsonl'),
    );
    writeFileSync(join(resources, 'datasets', 'bad.jsonl'), '{"text": "好", "spans": []}\nnot json\n');
    writeFileSync(
      index,
      JSON.stringify({
        datasets: [
          { file: 'bad.jsonl', name: 'Bad' },
          { file: 'ok.jsonl', name: 'OK' },
        ],
      }),
    );
    const third = await start(resources);
    expect(third.startupProblems).toHaveLength(1);
    expect(third.startupProblems[0]).toMatch(/^Builtin dataset bad\.jsonl: .*bad\.jsonl:2/);
    expect(third.datasetStore.list().map((d) => d.name)).toEqual(['OK']);
  });
});
