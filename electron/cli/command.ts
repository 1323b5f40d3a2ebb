/**
 * The CLI's command interface. A command is one file in electron/cli/commands/ exporting
 * `command: Command`, registered with one line in commands/index.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliContext {
  /** The data dir (global --data-dir, NEZHA_DATA_DIR, or the platform's user-data folder). */
  dataDir: string;
  /** Write a line to stdout / stderr (tests capture these). */
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text shown by `<command> --help` and on argument errors. */
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

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with strict checking, reporting mistakes as a CliError naming the command. */
export function parseCommandArgs<T extends Options>(
  command: Pick<Command, 'name'>,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (error) {
    throw new CliError(
      `${command.name}: ${(error as Error).message}. Run \`${command.name} --help\` for usage.`,
      {
        cause: error,
      },
    );
  }
}
