/**
 * Task names as people type them → the vocabulary's names (tasks.ts). Accepted besides the names
 * themselves: HF pipeline aliases, NEZHA class names (any casing, "NeZha…" too), and the names each
 * command used before the vocabulary was one, so old scripts keep working. Case and `_`/`-` are ignored.
 */
import { classForTask, NEZHA_CLASS_NAMES, tasksForClass, type NezhaClassName } from './modelClasses';
import { NEZHA_TASKS, type NezhaTask } from './tasks';

/** Other names for a task: HF pipeline aliases and the names `eval`, datasets and metrics used. */
const TASK_ALIASES: Readonly<Record<string, NezhaTask>> = {
  // HF pipeline aliases and AutoModelFor* task names.
  ner: 'token-classification',
  'sentiment-analysis': 'text-classification',
  'sequence-classification': 'text-classification',
  // eval's and the dataset kinds' old names, and the metric task names.
  classification: 'text-classification',
  'sentence-classification': 'text-classification',
  pair: 'pair-classification',
  qa: 'question-answering',
  cmrc2018: 'question-answering',
  mc: 'multiple-choice',
  c3: 'multiple-choice',
  // Short names for the training-only tasks.
  'multi-label': 'multi-label-classification',
  mlm: 'masked-lm',
  'masked-language-modeling': 'masked-lm',
  nsp: 'next-sentence',
  'next-sentence-prediction': 'next-sentence',
};

function key(name: string): string {
  return name.trim().toLowerCase().replaceAll('_', '-');
}

/**
 * The tasks a class name stands for, in vocabulary order: those the class trains or runs first, then the
 * other pipelines its head runs. The first one a command accepts wins (NezhaForMaskedLM: fill-mask in the
 * Playground, masked-lm for `train`).
 */
function tasksOfClass(className: NezhaClassName): NezhaTask[] {
  const built = NEZHA_TASKS.filter((task) => classForTask(task) === className);
  return [...built, ...tasksForClass(className).filter((task) => !built.includes(task))];
}

const CANDIDATES: ReadonlyMap<string, readonly NezhaTask[]> = new Map<string, readonly NezhaTask[]>([
  ...NEZHA_TASKS.map((task): [string, NezhaTask[]] => [task, [task]]),
  ...Object.entries(TASK_ALIASES).map(([alias, task]): [string, NezhaTask[]] => [alias, [task]]),
  ...NEZHA_CLASS_NAMES.map((name): [string, NezhaTask[]] => [key(name), tasksOfClass(name)]).filter(
    ([, tasks]) => tasks.length > 0,
  ),
]);

export class TaskNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskNameError';
  }
}

/**
 * The vocabulary task `name` means, among the tasks a command runs (`accepted`, default all). Throws a
 * TaskNameError naming the accepted tasks when the name is unknown or means a task the command does not run.
 */
export function parseTask<T extends NezhaTask>(name: string, accepted: readonly T[]): T;
export function parseTask(name: string): NezhaTask;
export function parseTask(name: string, accepted: readonly NezhaTask[] = NEZHA_TASKS): NezhaTask {
  const candidates = CANDIDATES.get(key(name));
  const use = `use one of ${accepted.join(', ')}`;
  if (candidates === undefined) {
    throw new TaskNameError(
      `"${name}" is not a task name; ${use} (HF pipeline names such as ner and sentiment-analysis, NEZHA class names and the older short names are accepted too)`,
    );
  }
  const task = candidates.find((candidate) => accepted.includes(candidate));
  if (task === undefined) {
    const meaning =
      candidates.length === 1 && candidates[0] === key(name) ? '' : ` (${candidates.join(' or ')})`;
    throw new TaskNameError(`"${name}"${meaning} is not a task this command runs; ${use}`);
  }
  return task;
}
