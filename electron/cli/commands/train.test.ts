import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../command';
import { command } from './train';

/*
 * The train command end to end: fine-tunes a fixture checkpoint on a dataset file, prints
 * progress, writes an HF folder (config with id2label/label2id, safetensors, vocab, training args
 * and record), saves and resumes its state, and refuses wrong arguments with a one-line reason.
 */

const repo = resolve(__dirname, '../../..');
const tiny = join(repo, 'fixtures/nezha-tiny');
const dir = mkdtempSync(join(tmpdir(), 'nezha-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(): CliContext & { lines: string[] } {
  const lines: string[] = [];
  return { dataDir: dir, env: {}, lines, out: (t) => lines.push(t), err: (t) => lines.push(t) };
}

describe('train command', () => {
  it('fine-tunes the tiny classifier on ChnSentiCorp rows (new 2-label head), saves state and resumes', async () => {
    const out = join(dir, 'senti');
    const state = join(dir, 'state.safetensors');
    const args = [
      '--checkpoint',
      join(tiny, 'sequence-classification'),
      '--dataset',
      join(repo, 'fixtures/datasets/chnsenticorp/dev.excerpt.tsv'),
      '--task',
      'text-classification',
      '--out',
      out,
      '--max-steps',
      '3',
      '--batch-size',
      '8',
      '--max-length',
      '48',
      '--dev-fraction',
      '0.2',
      '--optimizer',
      'lamb',
      '--state',
      state,
      '--save-every',
      '2',
      '--fp16',
    ];
    const ctx = context();
    expect(await command.run(args, ctx)).toBe(0);
    expect(ctx.lines[0]).toBe('train: backend cpu');
    expect(ctx.lines[1]).toMatch(
      /^train: 45 train \/ 11 dev records, NezhaForSequenceClassification, labels \[0, 1\]/,
    );
    expect(ctx.lines.some((l) => /^step 3\/3 epoch 0 loss \d/.test(l))).toBe(true);
    expect(ctx.lines.some((l) => /^eval {2}step 3\/3 .*accuracy/.test(l))).toBe(true);
    expect(ctx.lines.join('\n')).toContain('fp32 used: mixed precision was requested');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.id2label).toEqual({ 0: '0', 1: '1' });
    expect(config.label2id).toEqual({ 0: 0, 1: 1 });
    expect(config.architectures).toEqual(['NezhaForSequenceClassification']);
    expect(config.problem_type).toBe('single_label_classification');
    for (const file of ['model.safetensors', 'vocab.txt', 'tokenizer_config.json', 'training_args.json'])
      expect(existsSync(join(out, file)), file).toBe(true);
    const record = JSON.parse(readFileSync(join(out, 'training_record.json'), 'utf8'));
    expect(record).toMatchObject({ steps: 3, status: 'completed', trainRecords: 45, devRecords: 11 });
    expect(record.lossCurve).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(out, 'training_args.json'), 'utf8'))).toMatchObject({
      optim: 'lamb',
      max_steps: 3,
    });

    // Resume from the state saved at step 2: the last step and the final weights come out the same.
    const resumedOut = join(dir, 'senti-resumed');
    const resumedArgs = [...args.slice(0, args.indexOf('--state')), '--resume', state];
    resumedArgs[resumedArgs.indexOf(out)] = resumedOut;
    const ctx2 = context();
    expect(await command.run(resumedArgs, ctx2)).toBe(0);
    expect(ctx2.lines.filter((l) => l.startsWith('step '))).toEqual([expect.stringMatching(/^step 3\/3 /)]);
    expect(readFileSync(join(resumedOut, 'model.safetensors'))).toEqual(
      readFileSync(join(out, 'model.safetensors')),
    );
  }, 180_000);

  it('refuses a task that does not fit the dataset, and unknown tasks', async () => {
    await expect(
      command.run(
        [
          '--checkpoint',
          join(tiny, 'token-classification'),
          '--dataset',
          join(repo, 'fixtures/datasets/chnsenticorp/dev.excerpt.tsv'),
          '--task',
          'token-classification',
          '--out',
          join(dir, 'x'),
        ],
        context(),
      ),
    ).rejects.toThrow(/holds a classification dataset but --task token-classification needs a ner dataset/);
    await expect(
      command.run(['--checkpoint', 'a', '--dataset', 'b', '--task', 'translate', '--out', 'c'], context()),
    ).rejects.toThrow(
      /^train: --task "translate" is not a task name; use one of token-classification, text-classification, /,
    );
  });

  it("takes eval's and HF's task names too: --task classification and sentiment-analysis train text-classification", async () => {
    for (const alias of ['classification', 'sentiment-analysis', 'NezhaForSequenceClassification']) {
      // A NER file makes the run stop at the dataset check, which names the task the alias resolved to.
      await expect(
        command.run(
          [
            '--checkpoint',
            join(tiny, 'sequence-classification'),
            '--dataset',
            join(repo, 'fixtures/datasets/peoples_daily_ner/example.dev'),
            '--task',
            alias,
            '--out',
            join(dir, 'x'),
          ],
          context(),
        ),
      ).rejects.toThrow(/holds a ner dataset but --task text-classification needs a classification dataset/);
    }
    await expect(
      command.run(['--checkpoint', 'a', '--dataset', 'b', '--task', 'fill-mask', '--out', 'c'], context()),
    ).rejects.toThrow(/^train: --task "fill-mask" is not a task this command runs; use one of /);
  });

  it('runs as a person runs it (tsx, plain Node ESM: the gradient registration works there)', async () => {
    const data = join(dir, 'ner.txt');
    const sentences = readFileSync(join(repo, 'fixtures/datasets/peoples_daily_ner/example.dev'), 'utf8')
      .split(/\n\n/)
      .slice(0, 12)
      .join('\n\n');
    writeFileSync(data, `${sentences}\n`);
    const out = join(dir, 'ner');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        'train',
        '--checkpoint',
        join(tiny, 'token-classification'),
        '--dataset',
        data,
        '--task',
        'token-classification',
        '--out',
        out,
        '--max-steps',
        '2',
        '--batch-size',
        '4',
        '--backend',
        'wasm',
      ],
      { cwd: repo, timeout: 150_000 },
    );
    expect(stdout).toContain('step 2/2');
    expect(stdout).toMatch(/eval {2}step 2\/2 epoch \d entity_f1/);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).id2label['0']).toBe('B-PER');
  }, 180_000);
});
