/**
 * Comparing a worker `run` with an HF golden case (fixtures/nezha-tiny/goldens, schema
 * nezha-golden/1): the golden's inputs become a RunModelRequest, and every output the golden lists
 * (except the loss) is compared elementwise, |a − b| ≤ atol + rtol·|b|. Free of tfjs, so the Node
 * side of the e2e tests uses it on what the page's worker returned.
 */
import type { RawTensor, RunModelRequest, RunModelResponse } from './protocol';

type Nested = number | Nested[];
interface GoldenTensorJson {
  dtype: string;
  shape: number[];
  data: Nested;
}
export interface GoldenCaseJson {
  name: string;
  model_class: string;
  inputs: Record<string, GoldenTensorJson>;
  outputs: Record<string, GoldenTensorJson | GoldenTensorJson[]>;
}

export interface OutputReport {
  /** HF name, with the layer for lists: "hidden_states[2]". */
  output: string;
  values: number;
  maxAbsError: number;
  violations: number;
}

const OUTPUT_FIELDS: Record<string, string> = {
  last_hidden_state: 'lastHiddenState',
  pooler_output: 'poolerOutput',
  logits: 'logits',
  prediction_logits: 'predictionLogits',
  seq_relationship_logits: 'seqRelationshipLogits',
  start_logits: 'startLogits',
  end_logits: 'endLogits',
  hidden_states: 'hiddenStates',
  attentions: 'attentions',
};

function flatten(data: Nested, out: number[] = []): number[] {
  if (Array.isArray(data)) for (const item of data) flatten(item, out);
  else out.push(data);
  return out;
}

export function goldenRunRequest(golden: GoldenCaseJson, id: string): RunModelRequest {
  const ids = golden.inputs.input_ids;
  const ints = (name: string) => {
    const tensor = golden.inputs[name];
    return tensor ? Int32Array.from(flatten(tensor.data)) : undefined;
  };
  return {
    id,
    shape: ids.shape,
    inputIds: Int32Array.from(flatten(ids.data)),
    attentionMask: ints('attention_mask'),
    tokenTypeIds: ints('token_type_ids'),
    outputHiddenStates: 'hidden_states' in golden.outputs,
    outputAttentions: 'attentions' in golden.outputs,
  };
}

function compareOne(
  name: string,
  actual: RawTensor | undefined,
  expected: GoldenTensorJson,
  atol: number,
  rtol: number,
): OutputReport {
  if (!actual)
    throw new Error(`${name}: the run returned no such output (golden shape [${expected.shape.join(', ')}])`);
  if (actual.shape.join(',') !== expected.shape.join(','))
    throw new Error(
      `${name}: shape [${actual.shape.join(', ')}] but the golden has [${expected.shape.join(', ')}]`,
    );
  const want = flatten(expected.data);
  let maxAbsError = 0;
  let violations = 0;
  for (let i = 0; i < want.length; i++) {
    const b = Math.fround(want[i]);
    const error = Math.abs(actual.data[i] - b);
    if (!(error <= atol + rtol * Math.abs(b))) violations++;
    if (error > maxAbsError || Number.isNaN(error)) maxAbsError = Number.isNaN(error) ? Infinity : error;
  }
  return { output: name, values: want.length, maxAbsError, violations };
}

/** One report per golden output (each layer of hidden_states / attentions separately); loss skipped. */
export function compareRunToGolden(
  golden: GoldenCaseJson,
  response: Pick<RunModelResponse, 'outputs'>,
  atol: number,
  rtol: number,
): OutputReport[] {
  const reports: OutputReport[] = [];
  for (const [name, expected] of Object.entries(golden.outputs)) {
    if (name === 'loss') continue;
    const field = OUTPUT_FIELDS[name];
    if (!field) throw new Error(`golden output "${name}" has no NEZHA output field`);
    const actual = response.outputs[field];
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length)
        throw new Error(
          `${name}: expected ${expected.length} tensors, the run returned ${Array.isArray(actual) ? actual.length : 'none'}`,
        );
      expected.forEach((tensor, k) =>
        reports.push(compareOne(`${name}[${k}]`, actual[k], tensor, atol, rtol)),
      );
    } else {
      if (Array.isArray(actual)) throw new Error(`${name}: the run returned a list, the golden one tensor`);
      reports.push(compareOne(name, actual, expected, atol, rtol));
    }
  }
  return reports;
}
