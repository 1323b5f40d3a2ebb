/**
 * Fine-tuning and continued pretraining of NEZHA on tfjs (platform-neutral: renderer worker and
 * Node). Import '../nezha/gradients' (or register tfjs gradients another way) before training.
 *
 * - buildTrainingJob(...) → model, rows, dev evaluator; train(...) → result with a saveable state;
 *   trainedFolderFiles(...) → the HF folder's files.
 * - NamedOptimizer (AdamW / LAMB), clipGradNorm, linearWarmupDecay.
 * - Whole word masking (groupWholeWords, maskWholeWords, loadJiebaSegmenter).
 */
export * from './batching';
export * from './evaluation';
export * from './features';
// The training tasks are part of the one task vocabulary.
export { TRAINING_TASKS, type TrainingTask } from '../nezha/tasks';
export * from './job';
export * from './optimizers';
export * from './precision';
export * from './random';
export * from './schedule';
export * from './trainer';
export * from './wholeWordMasking';
