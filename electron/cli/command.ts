/**
 * The CLI's command interface. A command is one file in electron/cli/commands/ exporting
 * `command: Command`, registered with one line in commands/index.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearestFlag } from './nearestFlag';

export const programName = 'nezha-studio';

export interface CliContext {
  /** The data dir (global --data-dir, NEZHA_DATA_DIR, or the platform's user-data folder). */
  dataDir: string;
  /** Write a line to stdout / stderr (tests capture these). */
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /**
   * Present only when stderr is a terminal: raw writes (no newline added), for a progress line redrawn
   * in place with a carriage return. Without it, progress goes through `err` one line at a time.
   */
  terminal?: { write(text: string): void };
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /**
   * Full usage text shown by `<command> --help`, starting with the command's synopsis (`eval --checkpoint
   * DIR ...`) without a "Usage:" prefix: the CLI adds "Usage: nezha-studio " once (see usageText).
   */
  usage: string;
  /** Returns the exit code (default 0). Throw CliError for a one-line failure. */
  run(args: string[], context: CliContext): Promise<number | void> | number | void;
}

/** A failure to report as one line on stderr with exit code 1. */
export class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** `Usage: nezha-studio <synopsis>` and the rest of the command's usage text. */
export function usageText(command: Pick<Command, 'usage'>): string {
  return `Usage: ${programName} ${command.usage}`;
}

/** The first line of usageText, for argument errors. */
export function usageLine(command: Pick<Command, 'usage'>): string {
  return usageText(command).split('\n')[0];
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes: --help (answered by the CLI itself) and the global --data-dir. */
const GLOBAL_FLAGS = ['help', 'data-dir'];

/** The first `--name` in args that is not an option of the command (nor its --no- form), or null. */
function unknownFlagOf(args: string[], options: Options): string | null {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name;
    const known = (n: string) => Object.prototype.hasOwnProperty.call(options, n);
    const negated = name.startsWith('no-') && options[name.slice(3)]?.type === 'boolean';
    if (!known(name) && !negated) return token.rawName;
  }
  return null;
}

/** "Unknown flag --chekpoint. Did you mean --checkpoint?", or the command's flags when none is close. */
function unknownFlagMessage(flag: string, options: Options): string {
  const names = [...Object.keys(options), ...GLOBAL_FLAGS.filter((n) => !(n in options))];
  const typed = flag.replace(/^-+/, '').split('=')[0];
  const nearest = nearestFlag(typed, names);
  if (nearest !== null) return `Unknown flag ${flag}. Did you mean --${nearest}?`;
  return `Unknown flag ${flag}. Flags: ${names.map((n) => `--${n}`).join(', ')}.`;
}

/** node:util parseArgs with strict checking, reporting mistakes as a CliError naming the command. */
export function parseCommandArgs<T extends Options>(
  command: Pick<Command, 'name'>,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (error) {
    const unknown =
      (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? unknownFlagOf(args, options)
        : null;
    const problem = unknown !== null ? unknownFlagMessage(unknown, options) : `${(error as Error).message}.`;
    throw new CliError(
      `${command.name}: ${problem} Run \`${programName} ${command.name} --help\` for usage.`,
      {
        cause: error,
      },
    );
  }
}
