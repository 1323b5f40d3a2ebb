/**
 * Column / key names used by Chinese classification and pair benchmarks (ERNIE/PaddleNLP TSV, CLUE
 * JSON), mapped to record fields.
 */
import type { ReaderContext } from './reader';

export type ColumnRole = 'text' | 'textA' | 'textB' | 'label' | 'id' | 'ignore';

const ROLE_BY_NAME: Record<string, ColumnRole> = {
  label: 'label',
  labels: 'label',
  gold_label: 'label',
  text_a: 'textA',
  sentence1: 'textA',
  premise: 'textA',
  question1: 'textA',
  query: 'textA',
  text_b: 'textB',
  sentence2: 'textB',
  hypothesis: 'textB',
  question2: 'textB',
  title: 'textB',
  text: 'text',
  sentence: 'text',
  review: 'text',
  content: 'text',
  id: 'id',
  qid: 'id',
  guid: 'id',
  index: 'id',
  label_desc: 'ignore',
  label_des: 'ignore',
  keywords: 'ignore',
  level: 'ignore',
  genre: 'ignore',
  prem_id: 'ignore',
};

export function columnRole(name: string): ColumnRole | undefined {
  return ROLE_BY_NAME[name.trim().toLowerCase()];
}

export interface ColumnPlan {
  text: number;
  textB: number;
  label: number;
  id: number;
}

/**
 * Chooses which columns hold text(s), label and id. `text_a` alone (ChnSentiCorp) is the text of a
 * classification row; `text_a` + `text_b` make a pair. Returns null when no label or text is found.
 */
export function planColumns(names: readonly string[]): ColumnPlan | null {
  const roles = names.map(columnRole);
  const find = (role: ColumnRole) => roles.indexOf(role);
  const label = find('label');
  const textA = find('textA');
  const textB = find('textB');
  const text = find('text');
  const id = find('id');
  if (label < 0) return null;
  if (textA >= 0 && textB >= 0) return { text: textA, textB, label, id };
  const single = textA >= 0 ? textA : text;
  if (single < 0) return null;
  return { text: single, textB: -1, label, id };
}

/**
 * XNLI-MT's train set spells the label "contradictory" where dev/test say "contradiction"; ERNIE's
 * label_map.json maps both to 0. Reading them as one label keeps metrics and label maps consistent.
 */
export function normaliseNliLabel(label: string, line: number, context: ReaderContext): string {
  if (label !== 'contradictory') return label;
  context.warnings.add(
    'contradictory-label',
    line,
    (n) =>
      `${n} row${n > 1 ? 's use' : ' uses'} the label "contradictory" (XNLI-MT train spelling); read as "contradiction"`,
    'info',
  );
  return 'contradiction';
}
