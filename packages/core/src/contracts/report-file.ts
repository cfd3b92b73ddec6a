/**
 * The run folder's report.json, as trainRun writes it: the resolved config, the training result, the
 * evaluation, and one entry per test image (predicted class, true class and, for image folders, the
 * file relative to the folder) so the dashboard can show the images behind any confusion-matrix cell
 * without keeping them in the database.
 */
import { z } from 'zod';
import { epochMetricsSchema } from './epoch-metrics.ts';
import { runReportSchema } from './run-report.ts';
import { runTimingSchema } from './run-timing.ts';
import { runConfigSchema } from './run-config-schema.ts';

/** Files of an image folder that were not trained on: how many, why, and the first few by name. */
export const skippedFilesSchema = z.object({
  count: z.number().int().min(0),
  /** Counts per reason: too-many-pixels, file-too-large, not-an-image, corrupt, unreadable. */
  byKind: z.record(z.string(), z.number().int().min(0)),
  /** Paths relative to the dataset's root, with the reason each was skipped. */
  examples: z.array(z.object({ file: z.string().max(4096), reason: z.string().max(500) })).max(100),
});
export type SkippedFiles = z.infer<typeof skippedFilesSchema>;

const classIndices = z.array(z.number().int().min(0));

/** The per-test-image lists; older files keep `predictions` inside `report`, or lack a list. */
export const reportFileListsSchema = z.object({
  predictions: classIndices.optional(),
  report: z.object({ predictions: classIndices.optional() }).optional(),
  testLabels: classIndices.optional(),
  testSources: z.array(z.string().max(4096)).optional(),
});

export const reportFileSchema = z.object({
  config: runConfigSchema,
  stopped: z.literal(false),
  epochs: z.array(epochMetricsSchema),
  /** Epoch whose weights the final model carries. */
  bestEpoch: z.number().int().min(0),
  paramCount: z.number().int().min(0),
  report: runReportSchema,
  trainSeconds: z.number().min(0),
  /** Where the run's time went and its training throughput (absent in files from before it was kept). */
  timing: runTimingSchema.optional(),
  /** Predicted class per test image. */
  predictions: classIndices,
  /** True class per test image. */
  testLabels: classIndices,
  /** Image folders: each test image's file, relative to the folder. */
  testSources: z.array(z.string().max(4096)).optional(),
  skipped: skippedFilesSchema,
});
export type ReportFile = z.infer<typeof reportFileSchema>;
