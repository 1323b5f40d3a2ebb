/**
 * `--task` for every command that takes one: any name the shared task vocabulary accepts (canonical names,
 * HF pipeline aliases, NEZHA class names, the older short names), resolved among the tasks the command runs.
 */
import { parseTask, TaskNameError } from '../../shared/nezha/taskNames';
import type { NezhaTask } from '../../shared/nezha/tasks';
import { CliError } from './command';

export function taskOption<T extends NezhaTask>(
  commandName: string,
  value: string,
  accepted: readonly T[],
): T {
  try {
    return parseTask(value, accepted);
  } catch (error) {
    if (error instanceof TaskNameError)
      throw new CliError(`${commandName}: --task ${error.message}`, { cause: error });
    throw error;
  }
}
