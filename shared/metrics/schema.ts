/**
 * zod schemas for the stored result shapes (./types), for the boundary where results are read back from the
 * database or a report file. `z.number()` rejects NaN and ±Infinity, which JSON cannot carry anyway.
 */
import { z } from 'zod';
import type { MetricResult, PairedComparison } from './types';

export const metricTaskSchema = z.enum([
  'ner',
  'sentence-classification',
  'pair-classification',
  'cmrc2018',
  'c3',
]);
export const metricNameSchema = z.enum([
  'micro-f1',
  'micro-precision',
  'micro-recall',
  'macro-f1',
  'weighted-f1',
  'accuracy',
  'exact-match',
  'f1',
  'cluener-f1',
]);
const interval = z.tuple([z.number(), z.number()]);
const count = z.number().int().nonnegative();

export const metricResultSchema = z.object({
  task: metricTaskSchema,
  metric: metricNameSchema,
  value: z.number(),
  ci: interval,
  ciLevel: z.number().gt(0).lt(1),
  resamples: count,
  seed: z.number(),
  n: count,
  unit: z.enum(['fraction', 'percent']),
  perClass: z
    .array(
      z.object({
        label: z.string(),
        precision: z.number(),
        recall: z.number(),
        f1: z.number(),
        support: count,
        predicted: count,
      }),
    )
    .optional(),
  confusion: z.object({ labels: z.array(z.string()), counts: z.array(z.array(count)) }).optional(),
  notes: z.array(z.string()).optional(),
}) satisfies z.ZodType<MetricResult>;

export const pairedComparisonSchema = z.object({
  task: metricTaskSchema,
  metric: metricNameSchema,
  unit: z.enum(['fraction', 'percent']),
  n: count,
  a: z.number(),
  b: z.number(),
  delta: z.number(),
  deltaCi: interval,
  ciLevel: z.number().gt(0).lt(1),
  test: z.enum(['mcnemar-exact-binomial', 'mcnemar-chi-square-continuity-corrected', 'paired-bootstrap']),
  pValue: z.number().min(0).max(1),
  statistic: z.number().optional(),
  discordant: z.object({ aOnly: count, bOnly: count }).optional(),
  resamples: count,
  seed: z.number(),
}) satisfies z.ZodType<PairedComparison>;

/** Parses stored JSON into a MetricResult; the error names the field that is wrong. */
export function parseMetricResult(value: unknown, where = 'metric result'): MetricResult {
  const parsed = metricResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`${where}: field ${issue.path.join('.') || '(root)'} is invalid: ${issue.message}.`);
  }
  return parsed.data;
}
