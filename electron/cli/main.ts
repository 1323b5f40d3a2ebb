/**
 * The headless CLI: `npm run -s cli -- <command> [options]` (tsx, from source) or the `nezha-studio`
 * bin. Global option: --data-dir DIR (default: NEZHA_DATA_DIR or the platform's user-data folder).
 * Errors: one line on stderr, exit code 1.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultDataDir } from '../services/dataDir';
import { CliError, programName, usageText, type CliContext, type Command } from './command';
import { commandLoaders } from './commands/index';

/** Pull `--data-dir DIR` / `--data-dir=DIR` out of argv wherever it appears. */
export function extractGlobalOptions(argv: string[]): { dataDir: string | null; rest: string[] } {
  const rest: string[] = [];
  let dataDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--data-dir') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new CliError('--data-dir needs a folder path');
      dataDir = value;
      i++;
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
      if (!dataDir) throw new CliError('--data-dir needs a folder path');
    } else {
      rest.push(arg);
    }
  }
  return { dataDir, rest };
}

async function loadCommand(name: string): Promise<Command> {
  const loader = Object.prototype.hasOwnProperty.call(commandLoaders, name)
    ? commandLoaders[name]
    : undefined;
  if (!loader) {
    throw new CliError(
      `Unknown command "${name}". Commands: ${Object.keys(commandLoaders).join(', ')}. Try \`${programName} help\`.`,
    );
  }
  return (await loader()).command;
}

async function helpText(): Promise<string> {
  const lines = [`Usage: ${programName} [--data-dir DIR] <command> [options]`, '', 'Commands:'];
  for (const name of Object.keys(commandLoaders)) {
    try {
      lines.push(`  ${name.padEnd(10)} ${(await loadCommand(name)).summary}`);
    } catch (error) {
      lines.push(`  ${name.padEnd(10)} (failed to load: ${(error as Error).message.split('\n')[0]})`);
    }
  }
  lines.push('', `Run \`${programName} <command> --help\` for a command's options.`);
  return lines.join('\n');
}

export async function runCli(argv: string[], context: Omit<CliContext, 'dataDir'>): Promise<number> {
  try {
    const { dataDir, rest } = extractGlobalOptions(argv);
    const [name, ...args] = rest;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      if (name === 'help' && args[0]) context.out(usageText(await loadCommand(args[0])));
      else context.out(await helpText());
      return 0;
    }
    const command = await loadCommand(name);
    if (args.includes('--help') || args.includes('-h')) {
      context.out(usageText(command));
      return 0;
    }
    const resolvedDataDir = resolve(dataDir ?? defaultDataDir(context.env));
    return (await command.run(args, { ...context, dataDir: resolvedDataDir })) ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.err(`${programName}: ${message.split('\n')[0]}`);
    if (context.env.NEZHA_DEBUG && error instanceof Error && !(error instanceof CliError))
      context.err(error.stack ?? '');
    return 1;
  }
}

// Run when executed directly (tsx electron/cli/main.ts, or bin.mjs importing it), not when imported by tests.
const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly || process.env.NEZHA_CLI_MAIN === '1') {
  const code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    ...(process.stderr.isTTY && { terminal: { write: (text: string) => process.stderr.write(text) } }),
    env: process.env,
  });
  process.exitCode = code;
}
