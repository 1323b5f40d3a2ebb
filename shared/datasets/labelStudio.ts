/**
 * Label Studio JSON exports of NER projects (a `<Labels>` control on a `<Text>` object):
 *
 *   [{"id": 1, "data": {"text": "..."}, "annotations": [{"result": [
 *       {"type": "labels", "from_name": "label", "to_name": "text",
 *        "value": {"start": 0, "end": 3, "text": "...", "labels": ["PER"]}}]}]}]
 *
 * Label Studio runs in the browser, so `start`/`end` count UTF-16 code units (JS string indexes);
 * they are converted to code points here. The JSON-MIN export (`{"text", "label": [{start, end, text,
 * labels}]}`) reads too. One annotation per task is used: the ground truth one, else the first that
 * was not cancelled; predictions are used only when the task has no annotation and `usePredictions`.
 */
import { DatasetExportError, DatasetFormatError } from './errors';
import { OffsetMap } from './offsets';
import { bump, checkLength, DatasetReader, type ReaderOptions } from './reader';
import { hasOverlap } from './cluener';
import { isKnownExample } from './knownExamples';
import { applyLayout, checkSuspiciousChars, LineLocator, parseJson, type DatasetInput } from './source';
import type {
  EntitySpan,
  NerExample,
  NerExampleStatus,
  NerExportRecord,
  SpanProvenance,
  TextLayout,
} from './types';

const statuses: readonly NerExampleStatus[] = ['done', 'in-progress', 'unannotated', 'imported'];

export interface LabelStudioOptions extends ReaderOptions {
  /** Key of the text in each task's `data`; default "text", else the only string value. */
  textKey?: string;
  /** Use the first prediction for tasks that have no annotation. Default false. */
  usePredictions?: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLabelStudio(
  input: DatasetInput,
  options: LabelStudioOptions = {},
): DatasetReader<'ner'> {
  return new DatasetReader<'ner'>('label-studio', input, options, function* (context) {
    const { source, warnings, counts } = context;
    const { file, text } = source;
    const entityCounts: Record<string, number> = {};
    counts.tokens = 0;
    counts.entities = entityCounts;
    const parsed = parseJson(text, file);
    const tasks = Array.isArray(parsed) ? parsed : [parsed];
    // Lines are found by searching each task's text in the file, in order (best effort: 0 if the file
    // escapes the text differently).
    const locator = new LineLocator(text);
    for (let index = 0; index < tasks.length; index++) {
      context.position = Math.floor((text.length * index) / tasks.length);
      const task = tasks[index];
      const name =
        isObject(task) && (typeof task.id === 'number' || typeof task.id === 'string')
          ? `task ${task.id}`
          : `task #${index + 1}`;
      let line = 0;
      const fail = (expected: string, found?: string): never => {
        throw new DatasetFormatError({
          file,
          line,
          expected: `${name} (array item ${index}): ${expected}`,
          found,
        });
      };
      if (!isObject(task)) fail('a task object', JSON.stringify(task)?.slice(0, 40));
      const t = task as Json;
      let sentence: unknown;
      let results: unknown[] | null = null;
      let minFormat = false;
      let status: NerExampleStatus | undefined;
      if (isObject(t.data)) {
        const data = t.data;
        if (options.textKey) sentence = data[options.textKey];
        else if (typeof data.text === 'string') sentence = data.text;
        else {
          const strings = Object.values(data).filter((v) => typeof v === 'string');
          sentence = strings.length === 1 ? strings[0] : undefined;
        }
        if (typeof sentence !== 'string') {
          fail(
            `data.${options.textKey ?? 'text'} to be the task text (set the text key if your project names it differently)`,
            `keys ${Object.keys(data).join(', ')}`,
          );
        }
        line = locator.next(sentence as string);
        context.position = Math.max(context.position, locator.cursor);
        const annotations = Array.isArray(t.annotations) ? t.annotations.filter(isObject) : [];
        const usable = annotations.filter((a) => a.was_cancelled !== true);
        const chosen = usable.find((a) => a.ground_truth === true) ?? usable[0];
        if (usable.length > 1) {
          warnings.add(
            'multiple-annotations',
            line,
            (n) =>
              `${n} tasks have several annotations; the ground-truth one (else the first) was used (first: ${name})`,
            'info',
          );
        }
        if (annotations.length > usable.length) {
          warnings.add(
            'cancelled-annotations',
            line,
            (n) => `${n} tasks have cancelled (skipped) annotations; those were ignored (first: ${name})`,
            'info',
          );
        }
        if (isObject(t.meta) && t.meta.status !== undefined) {
          if (!statuses.includes(t.meta.status as NerExampleStatus))
            fail(`meta.status to be one of ${statuses.join(', ')}`, JSON.stringify(t.meta.status));
          status = t.meta.status as NerExampleStatus;
        }
        const draft = Array.isArray(t.drafts) ? t.drafts.find(isObject) : undefined;
        if (chosen) {
          if (!Array.isArray(chosen.result)) fail('annotations[].result to be a list');
          results = chosen.result as unknown[];
        } else if (status === 'in-progress' && draft && Array.isArray(draft.result)) {
          // This app's "all with status" export keeps unfinished work as the task's draft.
          results = draft.result as unknown[];
        } else if (
          options.usePredictions &&
          Array.isArray(t.predictions) &&
          isObject(t.predictions[0]) &&
          Array.isArray(t.predictions[0].result)
        ) {
          results = t.predictions[0].result as unknown[];
          warnings.add(
            'from-predictions',
            line,
            (n) => `${n} tasks had no annotation; their first prediction was used (first: ${name})`,
            'info',
          );
        }
      } else if (typeof t.text === 'string') {
        minFormat = true;
        sentence = t.text;
        line = locator.next(t.text);
        context.position = Math.max(context.position, locator.cursor);
        results = Array.isArray(t.label)
          ? t.label
          : t.label === undefined
            ? []
            : fail('"label" to be a list of regions (JSON-MIN export)');
      } else {
        fail(
          'a "data" object with the task text (Label Studio JSON export)',
          `keys ${Object.keys(t).join(', ')}`,
        );
      }
      const str = sentence as string;
      const map = new OffsetMap(str);
      const spans: EntitySpan[] = [];
      if (results === null && status !== 'unannotated') {
        warnings.add(
          'unannotated',
          line,
          (n) =>
            `${n} task${n > 1 ? 's have' : ' has'} no annotation; imported with no entities (first: ${name})`,
          'info',
        );
      }
      for (const [k, item] of (results ?? []).entries()) {
        if (!isObject(item)) fail(`result[${k}] to be an object`);
        const region = item as Json;
        const value = (minFormat ? region : region.value) as unknown;
        if (!minFormat && region.type !== 'labels') {
          warnings.add(
            'other-result-type',
            line,
            (n) =>
              `${n} result${n > 1 ? 's' : ''} are not "labels" regions (e.g. relations, choices); ignored (first: ${name}, type ${JSON.stringify(region.type)})`,
            'info',
          );
          continue;
        }
        if (!isObject(value)) fail(`result[${k}].value to be an object`);
        const v = value as Json;
        const labels = Array.isArray(v.labels) ? (v.labels as unknown[]) : [];
        if (
          !Number.isInteger(v.start) ||
          !Number.isInteger(v.end) ||
          labels.length === 0 ||
          !labels.every((l) => typeof l === 'string')
        ) {
          fail(
            `result[${k}].value with integer start/end and a non-empty "labels" list`,
            JSON.stringify(v).slice(0, 80),
          );
        }
        if (labels.length > 1) {
          warnings.add(
            'multi-label-region',
            line,
            (n) => `${n} regions carry several labels; one span per label was imported (first: ${name})`,
          );
        }
        let start: number;
        let end: number;
        try {
          start = map.toCodePoint(v.start as number);
          end = map.toCodePoint(v.end as number);
        } catch (error) {
          return fail(
            `result[${k}].value offsets inside the text, in UTF-16 units (${str.length})`,
            (error as Error).message,
          );
        }
        if (end <= start) fail(`result[${k}].value with start < end`, `[${v.start}, ${v.end})`);
        if (typeof v.text === 'string' && map.slice(start, end) !== v.text) {
          warnings.add(
            'span-text-mismatch',
            line,
            (n) =>
              `${n} region${n > 1 ? 's' : ''}' "text" differ${n > 1 ? '' : 's'} from the task text at start..end (first: ${name}, ${JSON.stringify(v.text)}); offsets were kept`,
          );
        }
        for (const label of labels as string[]) {
          const renamed = context.label(label);
          spans.push({ start, end, label: renamed });
          bump(entityCounts, renamed);
        }
      }
      if (hasOverlap(spans)) {
        warnings.add(
          'overlapping-spans',
          line,
          (n) =>
            `${n} task${n > 1 ? 's have' : ' has'} overlapping regions; kept, but BIO/BIOES export cannot write them (first: ${name})`,
        );
      }
      checkSuspiciousChars(str, line, warnings);
      checkLength(context, map.codePointLength, line);
      counts.tokens += map.codePointLength;
      const record: NerExample = { text: str, spans };
      if (typeof t.id === 'number' || typeof t.id === 'string') record.id = String(t.id);
      if (status !== undefined) record.status = status;
      yield record;
    }
  });
}

export interface LabelStudioExportOptions extends Partial<TextLayout> {
  /** `from_name` of the Labels control; default "label". */
  fromName?: string;
  /** `to_name` of the Text object; default "text". */
  toName?: string;
}

/**
 * Writes a Label Studio JSON import/export file: one task per record, offsets converted to UTF-16 units.
 * Records with an id keep it as the task id; others get none (Label Studio numbers tasks itself).
 *
 * A record without a status (a file converted as it is) has its spans as its one annotation. With a status
 * (the dataset store's exports), only known examples (done, or the imported file's annotation) have
 * `annotations`; unfinished ones keep their spans as a draft (`drafts`), never-seen ones have none, so
 * Label Studio shows them as still to do; `meta.status` says which. Model suggestions are `predictions`
 * (one per model, `model_version` = its name, `score` = its lowest span score) and accepted suggestions
 * keep their `origin` ("prediction", "prediction-changed") and `score`.
 */
export function exportLabelStudio(
  records: readonly NerExportRecord[],
  options: LabelStudioExportOptions = {},
): string {
  const fromName = options.fromName ?? 'label';
  const toName = options.toName ?? 'text';
  const tasks = records.map((record, index) => {
    const map = new OffsetMap(record.text);
    const region = (
      span: EntitySpan,
      id: string,
      provenance: SpanProvenance | undefined,
      score: number | undefined,
      where: string,
    ) => {
      let start: number;
      let end: number;
      try {
        start = map.toUtf16(span.start);
        end = map.toUtf16(span.end);
      } catch (error) {
        throw new DatasetExportError(index, `${where}: ${(error as Error).message}`);
      }
      const item: Record<string, unknown> = {
        value: { start, end, text: record.text.slice(start, end), labels: [span.label] },
        id,
        from_name: fromName,
        to_name: toName,
        type: 'labels',
      };
      if (score !== undefined) item.score = score;
      else item.origin = provenance?.origin ?? 'manual';
      if (provenance?.score !== undefined) item.score = provenance.score;
      return item;
    };
    const result = record.spans.map((span, k) =>
      region(span, `r${index + 1}_${k + 1}`, span.provenance, undefined, `span #${k + 1}`),
    );
    const task: Record<string, unknown> = {};
    // Label Studio assigns ids on import; an id is written only when the record has one.
    if (record.id !== undefined) task.id = /^\d+$/.test(record.id) ? Number(record.id) : record.id;
    task.data = { text: record.text };
    const status = record.status;
    if (isKnownExample(record)) task.annotations = [{ result }];
    else if (status === 'in-progress') task.drafts = [{ result }];
    if (record.predictions?.length) {
      task.predictions = record.predictions.map((prediction, p) => ({
        model_version: prediction.model,
        score: prediction.spans.length ? Math.min(...prediction.spans.map((s) => s.score)) : 1,
        result: prediction.spans.map((span, k) =>
          region(span, `p${index + 1}_${p + 1}_${k + 1}`, undefined, span.score, `prediction span #${k + 1}`),
        ),
      }));
    }
    if (status !== undefined) task.meta = { status };
    return task;
  });
  return applyLayout(`${JSON.stringify(tasks, null, 2)}\n`, options);
}
