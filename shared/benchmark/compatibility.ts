/**
 * Task ↔ head compatibility, decided before any model is built: a checkpoint whose head cannot answer the
 * task (no classifier, wrong num_labels, label names that are not the dataset's) is refused with the reasons,
 * and an accepted one comes with the plan the runner follows (NEZHA class, how model classes map to the
 * dataset's labels). Label names are matched through config.json's id2label where it names them; HF's
 * placeholder names (LABEL_0, LABEL_1, ...) map by index, as HF's run_glue does.
 */
import {
  classForTask,
  isNezhaArchitecture,
  normaliseArchitecture,
  type NezhaClassName,
} from '../nezha/modelClasses';
import { TASK_OF_DATASET } from '../nezha/tasks';
import { BENCHMARK_TASKS, type BenchmarkData, type BenchmarkTask } from './types';

/** The head class each benchmark runs: the class of the task its dataset kind is scored as. */
export const TASK_HEAD = Object.fromEntries(
  BENCHMARK_TASKS.map((task) => [task, classForTask(TASK_OF_DATASET[task])]),
) as Readonly<Record<BenchmarkTask, NezhaClassName>>;

/** The head's weight (without the `nezha.` base prefix) that must be in the checkpoint, per task. */
const HEAD_WEIGHT: Readonly<Record<BenchmarkTask, string>> = {
  ner: 'classifier.weight',
  classification: 'classifier.weight',
  pair: 'classifier.weight',
  qa: 'qa_outputs.weight',
  mc: 'classifier.weight',
};

export interface HeadCheckInput {
  task: BenchmarkTask;
  /** config.json as parsed JSON. */
  config: unknown;
  /** The checkpoint's tensor names and shapes (a StateDict's entries, or header-only TensorInfo). */
  tensors: Iterable<{ name: string; shape: readonly number[] }>;
  /**
   * The dataset's label names: classification / pair labels, or NER entity types. Take them from the whole
   * dataset, not a slice, so a label that a slice happens to lack is still checked.
   */
  datasetLabels?: readonly string[];
}

/** How the runner uses an accepted checkpoint. */
export interface HeadPlan {
  task: BenchmarkTask;
  className: NezhaClassName;
  numLabels: number;
  /** config.json id2label by class index. */
  modelLabels: string[];
  /**
   * Classification: the dataset label each model class predicts (index = class). NER: the model's tag names
   * (entities are decoded from them). QA / MC: empty.
   */
  id2label: string[];
  /** 'names': matched by id2label names; 'index': LABEL_i ↔ dataset label "i"; 'sorted': LABEL_i ↔ i-th sorted label. */
  labelMatch: 'names' | 'index' | 'sorted' | 'none';
  /** Things a person should know about the match (stored with the run). */
  notes: string[];
}

export type HeadCheck = { ok: true; plan: HeadPlan } | { ok: false; reasons: string[] };

const PLACEHOLDER = /^LABEL_(\d+)$/;
const TAG_PREFIX = /^([BIESM])-(.+)$/;

function readId2Label(config: Record<string, unknown>, reasons: string[]): string[] {
  const raw = config.id2label;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      reasons.push('config.json id2label must be an object {"0": "name", ...}');
      return [];
    }
    const entries = Object.entries(raw as Record<string, unknown>);
    const labels: string[] = [];
    for (const [key, value] of entries) {
      const id = Number(key);
      if (!Number.isInteger(id) || id < 0 || id >= entries.length || typeof value !== 'string') {
        reasons.push(
          `config.json id2label has the entry ${JSON.stringify(key)}: ${JSON.stringify(value)}; ids must be 0..${entries.length - 1} with string names`,
        );
        return [];
      }
      labels[id] = value;
    }
    return labels;
  }
  const numLabels = config.num_labels ?? 2;
  if (typeof numLabels !== 'number' || !Number.isInteger(numLabels) || numLabels < 1) {
    reasons.push(`config.json num_labels must be a positive integer, got ${JSON.stringify(numLabels)}`);
    return [];
  }
  return Array.from({ length: numLabels }, (_, i) => `LABEL_${i}`);
}

function isPlaceholder(labels: readonly string[]): boolean {
  return labels.every((l, i) => PLACEHOLDER.exec(l)?.[1] === String(i));
}

function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Natural order for label names: integers numerically, then text. */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => {
    const x = /^-?\d+$/.test(a) ? Number(a) : NaN;
    const y = /^-?\d+$/.test(b) ? Number(b) : NaN;
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    if (!Number.isNaN(x)) return -1;
    if (!Number.isNaN(y)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Entity types named by tag labels (B-PER, I-PER, S-LOC → PER, LOC); O and untyped labels excluded. */
export function entityTypesOfTags(labels: readonly string[]): string[] {
  const types = new Set<string>();
  for (const label of labels) {
    const match = TAG_PREFIX.exec(label);
    if (match) types.add(match[2]);
  }
  return [...types];
}

/** Decides whether the checkpoint can run `task` on the dataset, and how. */
export function checkHeadCompatibility(input: HeadCheckInput): HeadCheck {
  const { task } = input;
  const className = TASK_HEAD[task];
  const reasons: string[] = [];
  if (typeof input.config !== 'object' || input.config === null || Array.isArray(input.config)) {
    return { ok: false, reasons: ['config.json is not a JSON object'] };
  }
  const config = input.config as Record<string, unknown>;
  const modelLabels = readId2Label(config, reasons);
  if (reasons.length > 0) return { ok: false, reasons };
  const numLabels = modelLabels.length;
  const notes: string[] = [];

  // The head's weights: without them the loader would initialise a random head, which is no benchmark.
  const shapes = new Map<string, readonly number[]>();
  for (const { name, shape } of input.tensors) shapes.set(name.replace(/^nezha\./, ''), shape);
  const headKey = HEAD_WEIGHT[task];
  const headShape = shapes.get(headKey);
  const architectures = Array.isArray(config.architectures) ? (config.architectures as unknown[]) : [];
  const architecture = typeof architectures[0] === 'string' ? architectures[0] : null;
  if (headShape === undefined) {
    reasons.push(
      `the checkpoint has no ${headKey.split('.')[0]} head (no "${headKey}" weight${architecture ? `; it was saved as ${architecture}` : ''}); ${task} needs a fine-tuned ${className} checkpoint`,
    );
    return { ok: false, reasons };
  }
  // classifier.weight is shared by three heads: the class it was saved as tells them apart.
  if (isNezhaArchitecture(architecture) && normaliseArchitecture(architecture) !== className) {
    reasons.push(
      `the checkpoint was saved as ${architecture} (config.json architectures), but ${task} needs ${className}`,
    );
  }
  const expectedRows = task === 'mc' ? 1 : task === 'qa' ? 2 : numLabels;
  if (headShape[0] !== expectedRows) {
    reasons.push(
      `"${headKey}" has shape [${headShape.join(', ')}], but ${className} needs ${expectedRows} output row(s)${task === 'mc' || task === 'qa' ? '' : ' (one per id2label entry)'}`,
    );
  }
  if (task === 'qa' && numLabels !== 2) {
    reasons.push(`config.json has num_labels = ${numLabels}; question answering needs 2 (start and end)`);
  }

  let id2label: string[] = [];
  let labelMatch: HeadPlan['labelMatch'] = 'none';
  const datasetLabels = sortLabels(input.datasetLabels ?? []);

  if (task === 'classification' || task === 'pair') {
    const problemType = config.problem_type;
    if (problemType === 'multi_label_classification' || problemType === 'regression' || numLabels === 1) {
      reasons.push(
        `the checkpoint is a ${problemType === 'multi_label_classification' ? 'multi-label' : 'regression'} model (problem_type ${JSON.stringify(problemType ?? null)}, num_labels ${numLabels}); ${task} benchmarks need single-label classification`,
      );
    }
    if (datasetLabels.length === 0) reasons.push('the dataset has no labels to compare predictions with');
    if (isPlaceholder(modelLabels)) {
      if (numLabels !== datasetLabels.length) {
        reasons.push(
          `wrong num_labels: the checkpoint has ${numLabels} classes (${list(modelLabels)}) but the dataset has ${datasetLabels.length} labels (${list(datasetLabels)})`,
        );
      } else if (datasetLabels.every((l, i) => l === String(i))) {
        labelMatch = 'index';
        id2label = datasetLabels;
        notes.push(
          `id2label has placeholder names; class i is read as dataset label "i" (${list(datasetLabels)})`,
        );
      } else {
        labelMatch = 'sorted';
        id2label = datasetLabels;
        notes.push(
          `id2label has placeholder names; class i is read as the i-th dataset label in sorted order (${datasetLabels
            .map((l, i) => `LABEL_${i} = ${JSON.stringify(l)}`)
            .join(', ')}), as HF run_glue assigns them`,
        );
      }
    } else {
      const byName = new Map(modelLabels.map((l) => [l, l]));
      const byLooseName = new Map(modelLabels.map((l) => [l.trim().toLowerCase(), l]));
      const missing = datasetLabels.filter((l) => !byName.has(l) && !byLooseName.has(l.trim().toLowerCase()));
      if (missing.length > 0) {
        reasons.push(
          `labels do not match: the dataset's ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not in the checkpoint's id2label (${list(modelLabels)})` +
            (numLabels !== datasetLabels.length
              ? `; num_labels is ${numLabels}, the dataset has ${datasetLabels.length} labels`
              : ''),
        );
      } else {
        labelMatch = 'names';
        // Each model class predicts the dataset label of the same name (exact, else case/space-insensitive).
        const toDataset = new Map<string, string>();
        for (const l of datasetLabels)
          toDataset.set(byName.get(l) ?? byLooseName.get(l.trim().toLowerCase())!, l);
        id2label = modelLabels.map((l) => toDataset.get(l) ?? l);
        const extra = modelLabels.filter((l) => !toDataset.has(l));
        if (extra.length > 0) {
          notes.push(
            `the checkpoint also predicts ${list(extra)}, which the dataset never uses; such predictions count as wrong`,
          );
        }
      }
    }
  } else if (task === 'ner') {
    if (isPlaceholder(modelLabels)) {
      reasons.push(
        `id2label has only placeholder names (${list(modelLabels)}); NER needs tag names such as "B-PER", "I-PER", "O" to decode entities`,
      );
    } else {
      const modelTypes = entityTypesOfTags(modelLabels);
      const notTags = modelLabels.filter((l) => l !== 'O' && !TAG_PREFIX.test(l));
      if (notTags.length > 0) {
        reasons.push(
          `id2label has labels that are not entity tags (${list(notTags)}); expected B-/I-/E-/S- tags and "O"`,
        );
      }
      const missing = datasetLabels.filter((t) => !modelTypes.includes(t));
      if (missing.length > 0) {
        reasons.push(
          `labels do not match: the dataset's entity type(s) ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} not tagged by the checkpoint (its types: ${list(modelTypes)})`,
        );
      }
      const extra = modelTypes.filter((t) => !datasetLabels.includes(t));
      if (extra.length > 0 && datasetLabels.length > 0) {
        notes.push(
          `the checkpoint also tags ${list(extra)}, which the dataset never uses; such entities count as false positives`,
        );
      }
      labelMatch = 'names';
      id2label = modelLabels;
    }
  }

  if (reasons.length > 0) return { ok: false, reasons };
  return { ok: true, plan: { task, className, numLabels, modelLabels, id2label, labelMatch, notes } };
}

/** The dataset's labels a head check needs: classification labels, or NER entity types. */
export function datasetLabelsOf(data: BenchmarkData): string[] {
  switch (data.task) {
    case 'ner':
      return sortLabels(data.records.flatMap((r) => r.spans.map((s) => s.label)));
    case 'classification':
    case 'pair':
      return sortLabels(data.records.map((r) => r.label));
    default:
      return [];
  }
}
