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
