/**
 * What a lab report is built from: one entry per run, exactly as stored (the run row, its epochs, its
 * report, model summary and timing, and report.json's per-image test predictions), plus the run's
 * Grad-CAM file when it has one. Nothing here is computed; the analysis and the renderers derive
 * everything from these numbers, so a report says only what the runs' stored values say.
 */
import { z } from 'zod';
import { epochMetricsSchema } from '../contracts/epoch-metrics.ts';
import { gradCamFileSchema } from '../contracts/grad-cam-file.ts';
import { modelSummarySchema } from '../contracts/model-summary.ts';
import { inputReferenceSchema, runReportSchema } from '../contracts/run-report.ts';
import { runTimingSchema } from '../contracts/run-timing.ts';
import { runIdSchema } from '../contracts/run-contract.ts';
import { runConfigSchema } from '../contracts/run-config-schema.ts';
import { formatZodIssue } from '../contracts/zod-issue.ts';

/** A report compares at most this many runs: beyond it the tables and figures stop being readable. */
export const MAX_REPORT_RUNS = 20;

const classIndices = z.array(z.number().int().min(0));

export const reportRunSchema = z.object({
  /** A run id (letters, digits, - and _), so it is safe in file names and anchors. */
  id: runIdSchema,
  name: z.string().max(200),
  status: z.literal('completed'),
  dataset: z.string().min(1).max(4096),
  config: runConfigSchema,
  epochs: z.array(epochMetricsSchema),
  report: runReportSchema,
  /** The stored test images' shape and statistics (report.json; absent from older runs). */
  inputReference: inputReferenceSchema.nullable(),
  modelSummary: modelSummarySchema.nullable(),
  timing: runTimingSchema.nullable(),
  backend: z.string().max(100).nullable(),
  backendDevice: z.string().max(500).nullable(),
  finishedAt: z.string().max(40).nullable(),
  /** Predicted class per test image (report.json), the pairs McNemar's test compares. */
  predictions: classIndices,
  /** True class per test image (report.json). */
  testLabels: classIndices,
  /** Grad-CAM heatmaps of the run's most confident mistakes; null when the run has none. */
  gradCam: gradCamFileSchema.nullable(),
});
export type ReportRun = z.infer<typeof reportRunSchema>;

export const labReportInputSchema = z.object({
  title: z.string().min(1).max(200).default('convlab lab report'),
  /** When the report was made (ISO 8601); shown, never computed from. */
  generatedAt: z.string().max(40),
  runs: z
    .array(reportRunSchema)
    .min(1, 'a report needs at least one run')
    .max(MAX_REPORT_RUNS, `a report compares at most ${MAX_REPORT_RUNS} runs`)
    .refine(
      (runs) => new Set(runs.map((run) => run.id)).size === runs.length,
      'each run may appear once',
    ),
});
export type LabReportInput = z.infer<typeof labReportInputSchema>;
export type LabReportInputDraft = z.input<typeof labReportInputSchema>;

/**
 * Validates a report's input, including that each run's per-image lists match its report (one
 * prediction per test label, as many test labels as the confusion matrix counts).
 */
export function parseLabReportInput(input: unknown): LabReportInput {
  const parsed = labReportInputSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(`invalid report input: ${formatZodIssue(parsed.error, 'runs')}`);
  for (const run of parsed.data.runs) {
    const classes = run.report.classNames.length;
    if (run.predictions.length !== run.testLabels.length)
      throw new Error(
        `invalid report input: run ${run.id} has ${run.predictions.length} predictions for ${run.testLabels.length} test labels`,
      );
    if ([...run.predictions, ...run.testLabels].some((label) => label >= classes))
      throw new Error(
        `invalid report input: run ${run.id} has a class index beyond its ${classes} classes`,
      );
    if (
      run.report.confusionMatrix.length !== classes ||
      run.report.confusionMatrix.some((row) => row.length !== classes)
    )
      throw new Error(
        `invalid report input: run ${run.id}'s confusion matrix must be ${classes}×${classes}`,
      );
  }
  return parsed.data;
}
