/**
 * Label mapping between a NER checkpoint and a dataset: the checkpoint's entity types (its config's id2label
 * with the BIO/BIOES prefixes stripped) are mapped onto the dataset's labels, or ignored, before any of its
 * suggestions is stored or shown. Every prediction path (the open example, background pre-annotation) runs
 * its spans through `mapSuggestions` with the mapping the person confirmed.
 */

/** Model entity type → dataset label, or null for "ignore" (its suggestions are dropped). */
export type LabelMapping = Record<string, string | null>;

/** B-PER, I-PER, E-PER, S-PER, M-PER, L-PER, U-PER (and B_PER) → PER; "O" and untyped labels give none. */
const tagPrefix = /^([BIESMLU])[-_](.+)$/;

/** The entity types a tag set names, in first-seen order (["O","B-PER","I-PER","B-LOC"] → ["PER","LOC"]). */
export function entityTypesOfModelLabels(labels: readonly string[]): string[] {
  const types = new Set<string>();
  for (const label of labels) {
    const match = tagPrefix.exec(label);
    if (match) types.add(match[2]);
    else if (label !== 'O' && label.trim() !== '') types.add(label); // an IO scheme or a bare type name
  }
  return [...types];
}

/** True when every model type is one of the dataset's labels by exact name: no mapping step is needed. */
export function labelsMatchExactly(modelTypes: readonly string[], datasetLabels: readonly string[]): boolean {
  const names = new Set(datasetLabels);
  return modelTypes.every((type) => names.has(type));
}

/**
 * Whether suggestions must wait for a mapping step: some model type is not a label of the dataset. A
 * dataset with no label set yet (plain text) takes the model's types as they are.
 */
export function needsLabelMapping(modelTypes: readonly string[], datasetLabels: readonly string[]): boolean {
  return datasetLabels.length > 0 && !labelsMatchExactly(modelTypes, datasetLabels);
}

/**
 * The mapping the step starts with: a model type maps to the dataset label of the same name, exact first,
 * then ignoring case ("per" → "PER"); every other type starts as ignored.
 */
export function defaultLabelMapping(
  modelTypes: readonly string[],
  datasetLabels: readonly string[],
): LabelMapping {
  const exact = new Set(datasetLabels);
  const byLowerCase = new Map<string, string>();
  for (const label of datasetLabels) {
    const key = label.toLowerCase();
    if (!byLowerCase.has(key)) byLowerCase.set(key, label);
  }
  const mapping: LabelMapping = {};
  for (const type of modelTypes)
    mapping[type] = exact.has(type) ? type : (byLowerCase.get(type.toLowerCase()) ?? null);
  return mapping;
}

/**
 * Checks a mapping against the model's types and the dataset's labels; returns the problems (empty when
 * usable), each naming the key: a type left out, a target that is not a dataset label.
 */
export function labelMappingProblems(
  mapping: LabelMapping,
  modelTypes: readonly string[],
  datasetLabels: readonly string[],
): string[] {
  const problems: string[] = [];
  const labels = new Set(datasetLabels);
  for (const type of modelTypes)
    if (!(type in mapping))
      problems.push(`model label "${type}" has no mapping (pick a dataset label or ignore)`);
  for (const [type, target] of Object.entries(mapping)) {
    if (target !== null && !labels.has(target))
      problems.push(`model label "${type}" maps to "${target}", which is not a label of the dataset`);
  }
  return problems;
}

/**
 * The spans with their labels mapped: a span whose type maps to a dataset label gets that label, one whose
 * type is ignored (null) or not in the mapping at all is dropped. Everything else on the span is kept.
 */
export function mapSuggestions<S extends { label: string }>(spans: readonly S[], mapping: LabelMapping): S[] {
  const out: S[] = [];
  for (const span of spans) {
    const target = Object.prototype.hasOwnProperty.call(mapping, span.label) ? mapping[span.label] : null;
    if (target) out.push(target === span.label ? span : { ...span, label: target });
  }
  return out;
}
