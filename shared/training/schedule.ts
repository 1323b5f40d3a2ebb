/*
 * HF's get_linear_schedule_with_warmup: the learning rate rises linearly from 0 to the peak over
 * the warmup steps, then falls linearly to 0 at the last step.
 */

/** Learning-rate multiplier for optimizer step `step` (0-based, the step about to be taken). */
export function linearWarmupDecay(step: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/** HF TrainingArguments.get_warmup_steps: explicit steps win, else ceil(ratio · total). */
export function warmupStepsFor(totalSteps: number, warmupSteps?: number, warmupRatio?: number): number {
  if (warmupSteps !== undefined && warmupSteps > 0) return warmupSteps;
  return Math.ceil(totalSteps * (warmupRatio ?? 0));
}
