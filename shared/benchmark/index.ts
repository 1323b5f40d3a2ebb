/**
 * The benchmark runner core: head ↔ task checks, the chunked, resumable, cancellable runner over the
 * pipelines' ModelRunner seam, scoring from predictions, reproducibility hashes and report exports.
 * Pure and backend-agnostic (tfjsRunner needs only tfjs-core and an active backend).
 */
export * from './types';
export * from './compatibility';
export * from './timing';
export * from './runner';
export * from './score';
export * from './hash';
export * from './report';
export * from './predictionsFile';
export * from './orchestrator';
export { tfjsModelRunner } from './tfjsRunner';
export * from './schema';
