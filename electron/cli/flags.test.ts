import { describe, expect, it } from 'vitest';
import { commandLoaders } from './commands/index';
import { runCli } from './main';
import { editDistance, nearestFlag } from './nearestFlag';

async function inProcess(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('unknown flags', () => {
  it('suggest the nearest flag of the command, in one line', async () => {
    const result = await inProcess(['eval', '--chekpoint', 'x']);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'nezha-studio: eval: Unknown flag --chekpoint. Did you mean --checkpoint? Run `nezha-studio eval --help` for usage.',
    });
    // Swapped letters, an inline value and another command's flags.
    expect((await inProcess(['infer', '--bakcend=wasm'])).err).toContain(
      'Unknown flag --bakcend. Did you mean --backend?',
    );
    expect((await inProcess(['train', '--max-step', '3'])).err).toContain('Did you mean --max-steps?');
    expect((await inProcess(['dataset', 'inspect', '--fiel', 'a.txt'])).err).toContain(
      'Did you mean --file?',
    );
  });

  it('list the flags when none is close', async () => {
    const result = await inProcess(['version', '--colour']);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'nezha-studio: version: Unknown flag --colour. Flags: --json, --help, --data-dir. Run `nezha-studio version --help` for usage.',
    );
  });

  it('leave the other parse errors as node:util words them', async () => {
    expect((await inProcess(['serve', '--port'])).err).toMatch(
      /^nezha-studio: serve: Option '--port <value>' argument missing\. Run `nezha-studio serve --help`/,
    );
  });
});

describe('nearestFlag', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('chekpoint', 'checkpoint')).toBe(1);
    expect(editDistance('bakcend', 'backend')).toBe(1);
    expect(editDistance('', 'out')).toBe(3);
    expect(editDistance('json', 'json')).toBe(0);
  });

  it('picks the closest known name within one edit per three letters', () => {
    expect(nearestFlag('chekpoint', ['case', 'checkpoint', 'out'])).toBe('checkpoint');
    expect(nearestFlag('OUT', ['out'])).toBe('out');
    expect(nearestFlag('ot', ['out', 'to'])).toBe('out'); // one edit from each: the first wins
    expect(nearestFlag('colour', ['json', 'help'])).toBeNull();
    expect(nearestFlag('x', ['out'])).toBeNull();
  });
});

describe('--help', () => {
  it('prints "Usage:" once, then the command synopsis, for every command', async () => {
    for (const name of Object.keys(commandLoaders)) {
      const { code, out } = await inProcess([name, '--help']);
      expect(code, name).toBe(0);
      expect(out.match(/Usage:/g), `${name} --help`).toHaveLength(1);
      expect(out.startsWith(`Usage: nezha-studio ${name}`), `${name} --help: ${out.split('\n')[0]}`).toBe(
        true,
      );
      expect((await inProcess(['help', name])).out).toBe(out);
    }
  });
});
