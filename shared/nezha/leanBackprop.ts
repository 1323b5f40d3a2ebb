import * as tf from '@tensorflow/tfjs-core';
import { useTransposeFreeMatMulGradient } from './matMulGradient';

/*
 * Backprop that frees memory as it goes.
 *
 * tfjs-core 4.22's engine.gradients (the engine behind tf.variableGrads / tf.grads) walks the tape
 * backwards but keeps every intermediate gradient, and every tensor a kernel saved for its
 * gradient, alive until the whole backward pass ends (tape.ts backpropagateGradients disposes
 * nothing; engine.ts disposes the saved tensors after the last node). The backward pass therefore
 * holds every activation's gradient at once: measured here on WASM (NEZHA-base width, one 128-token
 * sequence), the heap grew ~195 MB per layer with tfjs's walk and ~120 MB with this one, and a
 * 12-layer NEZHA-base step at batch 2 × 128, which aborted at the 4 GiB wasm32 heap, now peaks at
 * 3.2 GB (`npm run bench`, "training step").
 *
 * This is the same algorithm (same tape filtering, same node order, the same adds in the same
 * order, so gradients are bit-identical), with two frees added once a node's gradient has run:
 *   - the gradients of its outputs, which no later node reads (each tensor has one producer, and
 *     its consumers all come after it on the tape), unless the same tensor object is still some
 *     other tensor's gradient (gradient functions may pass dy through) or is the caller's dy;
 *   - the tensors it saved for backprop, when this is not a higher-order gradient (tfjs frees them
 *     at the end in that case anyway).
 * Inside a higher-order gradient (an outer tape records this backward pass) nothing is freed
 * early, exactly as tfjs. Peak memory is then the forward activations plus the gradient frontier instead of their sum
 * over the whole network.
 */

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

/** The parts of tfjs-core's Engine that gradients() uses (internal API of tfjs-core 4.22). */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
  gradients: GradientsFn;
}

type GradientsFn = (
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
  allowNoGradients?: boolean,
) => { value: tf.Tensor; grads: tf.Tensor[] };

/** tfjs-core tape.ts getFilteredNodesXToY: the nodes on a path from some x to y, inputs pruned. */
function filterTape(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      for (const output of node.outputs) fromX.add(output.id);
      nodesFromX.add(node.id);
    }
  }
  const leadToY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((output) => leadToY.has(output.id))) {
      for (const input of Object.values(node.inputs)) leadToY.add(input.id);
      nodesToY.add(node.id);
    }
  }
  const filtered: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(node.inputs)) if (fromX.has(input.id)) inputs[name] = input;
    filtered.push({ ...node, inputs });
  }
  return filtered;
}

function leanGradients(
  this: EngineInternals,
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy?: tf.Tensor,
  allowNoGradients = false,
): { value: tf.Tensor; grads: tf.Tensor[] } {
  if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
  if (dy != null && dy.dtype !== 'float32')
    throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  const y = this.scopedRun(
    () => this.startTape(),
    () => this.endTape(),
    () => this.tidy('forward', f),
  );
  if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
  const tape = this.state.activeTape ?? [];
  const filtered = filterTape(tape, xs, y);
  if (!allowNoGradients && filtered.length === 0 && xs.length > 0) {
    throw new Error(
      'Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.',
    );
  }
  const topLevel = this.state.gradientDepth === 0;
  return this.tidy('backward', () => {
    const gradientOf = new Map<number, tf.Tensor>();
    // How many tensors each gradient tensor object is currently the gradient of.
    const uses = new Map<tf.Tensor, number>();
    const keep = new Set<tf.Tensor>();
    const xIds = new Set(xs.map((x) => x.id));
    const assign = (id: number, gradient: tf.Tensor) => {
      gradientOf.set(id, gradient);
      uses.set(gradient, (uses.get(gradient) ?? 0) + 1);
    };
    const release = (gradient: tf.Tensor) => {
      const left = (uses.get(gradient) ?? 0) - 1;
      if (left > 0) uses.set(gradient, left);
      else {
        uses.delete(gradient);
        if (topLevel && !keep.has(gradient)) gradient.dispose();
      }
    };
    if (dy != null) keep.add(dy);
    assign(y.id, dy ?? tf.ones(y.shape));

    for (let i = filtered.length - 1; i >= 0; i--) {
      const node = filtered[i];
      const dys = node.outputs.map((output) => gradientOf.get(output.id) ?? null);
      if (node.gradient == null)
        throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const inputGradients = node.gradient(dys);
      for (const [inputName, x] of Object.entries(node.inputs)) {
        if (!(inputName in inputGradients)) {
          throw new Error(
            `Cannot backprop through input ${inputName}. Available gradients found: ${Object.keys(inputGradients)}.`,
          );
        }
        const dx = this.tidy(() => inputGradients[inputName]());
        if (dx.dtype !== 'float32') {
          throw new Error(
            `Error in gradient for op ${node.kernelName}. The gradient of input ${inputName} must have 'float32' dtype, but has '${dx.dtype}'`,
          );
        }
        if (!tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(
            `Error in gradient for op ${node.kernelName}. The gradient of input '${inputName}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`,
          );
        }
        const current = gradientOf.get(x.id);
        if (current === undefined) assign(x.id, dx);
        else {
          assign(x.id, tf.add(current, dx));
          release(current);
          // dx was only this input's contribution unless it is also some tensor's gradient.
          if (topLevel && !uses.has(dx) && !keep.has(dx)) dx.dispose();
        }
      }
      // No later node reads this node's output gradients or its saved tensors.
      for (const output of node.outputs) {
        const gradient = gradientOf.get(output.id);
        if (gradient === undefined || xIds.has(output.id)) continue;
        gradientOf.delete(output.id);
        release(gradient);
      }
      if (topLevel) for (const saved of node.saved ?? []) if (!uses.has(saved)) saved.dispose();
    }
    const grads = xs.map((x) => gradientOf.get(x.id)!);
    if (topLevel) {
      // As tfjs: the whole tape's saved tensors (nodes off the x → y path included) go now.
      for (const node of tape) for (const saved of node.saved ?? []) if (!uses.has(saved)) saved.dispose();
      this.state.activeTape = null;
    }
    return { value: y, grads };
  });
}

/**
 * Makes tf.variableGrads / tf.grads free intermediate gradients and saved activations during the
 * backward pass (see above). Idempotent; affects the tfjs engine of this JS realm.
 */
export function useLeanBackprop(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.gradients !== (leanGradients as GradientsFn)) engine.gradients = leanGradients as GradientsFn;
}

/**
 * What every training run needs from the tfjs engine beyond tfjs-core's registered gradients:
 * lean backprop (above) and the WASM-friendly BatchMatMul gradient (matMulGradient.ts). Call after
 * tfjs-core's gradients are registered; idempotent.
 */
export function prepareTfjsTraining(): void {
  useLeanBackprop();
  useTransposeFreeMatMulGradient();
}
