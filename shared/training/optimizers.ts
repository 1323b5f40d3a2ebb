import * as tf from '@tensorflow/tfjs-core';

/*
 * AdamW (torch.optim.AdamW semantics) and LAMB (You et al. 2019, as NVIDIA's BERT/NEZHA recipes
 * use it), over named parameters so that HF's groups apply by name: no weight decay for parameters
 * whose name contains "bias" or "LayerNorm.weight" (HF Trainer), and for LAMB the same parameters
 * are excluded from the trust ratio (exclude_from_layer_adaptation). Moments live in tf tensors
 * and can be exported as plain Float32Arrays for a saved training state.
 */

export type OptimizerName = 'adamw' | 'lamb';

export interface OptimizerSettings {
  name: OptimizerName;
  /** Peak learning rate; each step gets lr · schedule multiplier. */
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  /** Substrings that put a parameter in the no-decay group (HF: bias, LayerNorm.weight). */
  noDecay: readonly string[];
}

export const DEFAULT_NO_DECAY = ['bias', 'LayerNorm.weight'] as const;

export const DEFAULT_OPTIMIZER_SETTINGS: OptimizerSettings = {
  name: 'adamw',
  learningRate: 5e-5,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0.01,
  noDecay: DEFAULT_NO_DECAY,
};

/** True when `name` is in HF's no-decay group (and, for LAMB, has no trust-ratio adaptation). */
export function isNoDecayParameter(name: string, noDecay: readonly string[] = DEFAULT_NO_DECAY): boolean {
  return noDecay.some((part) => name.includes(part));
}

/** Optimizer moments as plain arrays: what a saved training state holds. */
export interface OptimizerState {
  name: OptimizerName;
  /** Steps taken (torch's state['step']); bias correction uses it. */
  step: number;
  firstMoments: Map<string, Float32Array>;
  secondMoments: Map<string, Float32Array>;
}

/** What one LAMB step did to one parameter (for progress reports and tests). */
export interface TrustRatioReport {
  name: string;
  weightNorm: number;
  updateNorm: number;
  trustRatio: number;
  excluded: boolean;
}

export class NamedOptimizer {
  readonly settings: OptimizerSettings;
  private stepCount = 0;
  private readonly first = new Map<string, tf.Tensor>();
  private readonly second = new Map<string, tf.Tensor>();
  /** Trust ratios of the last LAMB step (empty for AdamW). */
  lastTrustRatios: TrustRatioReport[] = [];

  constructor(settings: OptimizerSettings) {
    this.settings = settings;
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One update of every parameter that has a gradient, at learning rate `learningRate` (already
   * scheduled). Gradients are not disposed.
   */
  apply(parameters: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, learningRate: number): void {
    const { beta1, beta2, epsilon, weightDecay, noDecay, name } = this.settings;
    this.stepCount += 1;
    const t = this.stepCount;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2 = 1 - beta2 ** t;
    const reports: TrustRatioReport[] = [];
    for (const [paramName, variable] of parameters) {
      const grad = grads.get(paramName);
      if (grad === undefined) continue;
      const excluded = isNoDecayParameter(paramName, noDecay);
      const decay = excluded ? 0 : weightDecay;
      const m0 = this.first.get(paramName);
      const v0 = this.second.get(paramName);
      let report: TrustRatioReport | null = null;
      const [m, v, next] = tf.tidy(() => {
        const m = tf.add(tf.mul(m0 ?? tf.zerosLike(grad), beta1), tf.mul(grad, 1 - beta1));
        const v = tf.add(tf.mul(v0 ?? tf.zerosLike(grad), beta2), tf.mul(tf.square(grad), 1 - beta2));
        if (name === 'adamw') {
          // torch.optim.AdamW: p ← p·(1 − lr·wd); p ← p − (lr / bc1) · m / (√v / √bc2 + eps).
          const decayed = decay === 0 ? variable : tf.mul(variable, 1 - learningRate * decay);
          const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(biasCorrection2)), epsilon);
          const next = tf.sub(decayed, tf.mul(tf.div(m, denom), learningRate / biasCorrection1));
          return [m, v, next];
        }
        // LAMB: u = m̂ / (√v̂ + eps) + wd·w; p ← p − lr · (‖w‖ / ‖u‖) · u, ratio 1 when a norm is 0.
        const mHat = tf.div(m, biasCorrection1);
        const vHat = tf.div(v, biasCorrection2);
        let update = tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon));
        if (decay !== 0) update = tf.add(update, tf.mul(variable, decay));
        const weightNorm = tf.norm(variable).dataSync()[0];
        const updateNorm = tf.norm(update).dataSync()[0];
        const trustRatio = excluded || weightNorm === 0 || updateNorm === 0 ? 1 : weightNorm / updateNorm;
        const next = tf.sub(variable, tf.mul(update, learningRate * trustRatio));
        report = { name: paramName, weightNorm, updateNorm, trustRatio, excluded };
        return [m, v, next];
      });
      variable.assign(next);
      next.dispose();
      m0?.dispose();
      v0?.dispose();
      this.first.set(paramName, m);
      this.second.set(paramName, v);
      if (report !== null) reports.push(report);
    }
    this.lastTrustRatios = reports;
  }

  exportState(): OptimizerState {
    const copy = (moments: Map<string, tf.Tensor>) =>
      new Map([...moments].map(([key, t]) => [key, new Float32Array(t.dataSync() as Float32Array)]));
    return {
      name: this.settings.name,
      step: this.stepCount,
      firstMoments: copy(this.first),
      secondMoments: copy(this.second),
    };
  }

  /** Restores moments saved by exportState; shapes come from the parameters. */
  importState(state: OptimizerState, parameters: Map<string, tf.Variable>): void {
    if (state.name !== this.settings.name) {
      throw new Error(
        `the saved training state was made with the ${state.name} optimizer but this run uses ${this.settings.name}; resume with --optimizer ${state.name}`,
      );
    }
    this.disposeMoments();
    this.stepCount = state.step;
    const load = (source: Map<string, Float32Array>, target: Map<string, tf.Tensor>, kind: string) => {
      for (const [key, values] of source) {
        const variable = parameters.get(key);
        if (variable === undefined || variable.size !== values.length) {
          throw new Error(
            `saved optimizer ${kind} moment "${key}" (${values.length} values) does not match a model parameter${variable ? ` of shape [${variable.shape.join(', ')}]` : ''}; the state belongs to another model`,
          );
        }
        target.set(key, tf.tensor(values, variable.shape, 'float32'));
      }
    };
    load(state.firstMoments, this.first, 'first');
    load(state.secondMoments, this.second, 'second');
  }

  private disposeMoments(): void {
    for (const t of [...this.first.values(), ...this.second.values()]) t.dispose();
    this.first.clear();
    this.second.clear();
  }

  dispose(): void {
    this.disposeMoments();
  }
}

/**
 * torch.nn.utils.clip_grad_norm_(max_norm, norm_type=2): total = ‖(‖g₁‖, ‖g₂‖, …)‖, every gradient
 * scaled by min(1, max_norm / (total + 1e-6)). Returns the new gradients (the old ones are
 * disposed) and the total norm before clipping.
 */
export function clipGradNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { grads: Map<string, tf.Tensor>; totalNorm: number } {
  const norms = [...grads.values()].map((g) => tf.tidy(() => tf.norm(g)));
  const totalNorm = tf.tidy(() => tf.norm(tf.stack(norms))).dataSync()[0];
  tf.dispose(norms);
  const coefficient = Math.min(1, maxNorm / (totalNorm + 1e-6));
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    out.set(name, tf.mul(g, Math.fround(coefficient)));
    g.dispose();
  }
  return { grads: out, totalNorm };
}
