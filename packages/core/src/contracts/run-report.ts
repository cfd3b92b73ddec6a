/**
 * A finished run's evaluation: what trainRun writes into report.json and the database stores in its
 * Report table. One schema validates both, and the types are inferred from it. Class labels are names
 * here (the metrics functions work on class indices).
 */
import { z } from 'zod';
import { formatZodIssue } from './zod-issue.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const unit = finite.refine((value) => value >= 0 && value <= 1, 'must be between 0 and 1');

export const classScoresSchema = z.object({
  precision: unit,
  recall: unit,
  f1: unit,
  support: z.number().int().min(0),
});
export type ClassScores = z.infer<typeof classScoresSchema>;

export const perClassScoresSchema = classScoresSchema.extend({ label: z.string() });
export type PerClassScores = z.infer<typeof perClassScoresSchema>;

export const misclassifiedExampleSchema = z.object({
  /** Index of the image in the evaluated test set. */
  index: z.number().int().min(0),
  /** Class names (as in classNames). */
  trueLabel: z.string(),
  predictedLabel: z.string(),
  /** Probability the model gave its (wrong) prediction. */
  confidence: unit,
});
export type MisclassifiedExample = z.infer<typeof misclassifiedExampleSchema>;

/** A few percentiles of one per-image statistic over the test set. */
export const percentilesSchema = z
  .object({ p1: finite, p5: finite, p50: finite, p95: finite, p99: finite })
  .refine(
    (q) => q.p1 <= q.p5 && q.p5 <= q.p50 && q.p50 <= q.p95 && q.p95 <= q.p99,
    'percentiles must not decrease',
  );
export type Percentiles = z.infer<typeof percentilesSchema>;

/**
 * What the run's test images look like as stored (uint8, HWC) and how sure the model was of them:
 * predictions on inputs far outside this get a warning (evaluation/input-reference.ts).
 */
export const inputReferenceSchema = z
  .object({
    /** Test images it was computed from. */
    imageCount: z.number().int().min(1),
    /** The stored image shape the statistics are of. */
    height: z.number().int().min(1),
    width: z.number().int().min(1),
    channels: z.union([z.literal(1), z.literal(3)]),
    /** Per channel, over every pixel of every test image (0–255). */
    channelMean: z.array(finite),
    channelStd: z.array(finite),
    /** Per image: the mean of its pixels' intensity (the mean of their channels), 0–255. */
    brightness: percentilesSchema,
    /** Per image: the standard deviation of its pixels' intensity. */
    contrast: percentilesSchema,
    /** Per image: the model's highest class probability (max-softmax). */
    maxProbability: percentilesSchema,
  })
  .refine(
    (r) => r.channelMean.length === r.channels && r.channelStd.length === r.channels,
    'channelMean and channelStd must have one value per channel',
  );
export type InputReference = z.infer<typeof inputReferenceSchema>;

export const runReportSchema = z.object({
  testLoss: finite,
  testAcc: unit,
  /** max train accuracy − max validation accuracy. */
  overfittingGap: finite,
  classNames: z.array(z.string()).min(1),
  perClass: z.array(perClassScoresSchema),
  macroAvg: classScoresSchema,
  weightedAvg: classScoresSchema,
  /** rows = true class, columns = predicted class. */
  confusionMatrix: z.array(z.array(z.number().int().min(0))),
  /** Most confident mistakes first. */
  misclassified: z.array(misclassifiedExampleSchema),
  /** Absent from reports of runs that finished before it existed. */
  inputReference: inputReferenceSchema.optional(),
});
export type RunReport = z.infer<typeof runReportSchema>;

/** Validates a report, including that the confusion matrix is classes × classes. */
export function parseRunReport(input: unknown): RunReport {
  const parsed = runReportSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid report: ${formatZodIssue(parsed.error, 'report')}`);
  const report = parsed.data;
  const classes = report.classNames.length;
  if (
    report.confusionMatrix.length !== classes ||
    report.confusionMatrix.some((row) => row.length !== classes)
  ) {
    throw new Error(`invalid report: confusionMatrix must be ${classes}×${classes}`);
  }
  return report;
}
