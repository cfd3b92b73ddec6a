import { runIdSchema } from '@convlab/core/contracts';
import { getRunDetail, RunNotFoundError } from '@convlab/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { cellExamples } from '../../confusion-cell.ts';
import { readReportExtras } from '../../report-extras.ts';
import { loadTestSet } from '../../test-images.ts';
import { readProcedure } from '../../trpc.ts';

const classIndexSchema = z.number().int().min(0).max(10_000);

export const cellExamplesInputSchema = z.object({
  runId: runIdSchema,
  actual: classIndexSchema,
  predicted: classIndexSchema,
  limit: z.number().int().min(1).max(200).default(48),
});

/** The test images in one confusion-matrix cell (true class × predicted class). */
export const cellExamplesProcedure = readProcedure
  .input(cellExamplesInputSchema)
  .query(async ({ ctx, input }) => {
    const run = await getRunDetail(ctx.db, input.runId);
    if (!run) throw new RunNotFoundError(input.runId);
    const { report } = run;
    if (!report) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `run ${input.runId} has no report yet` });
    }
    const classes = report.classNames.length;
    if (input.actual >= classes || input.predicted >= classes) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `class index out of range (0–${classes - 1})`,
      });
    }
    // The true labels: report.json lists them (any dataset); older runs on a built-in dataset
    // re-load its test set. An image folder is never decoded whole for this.
    const extras = await readReportExtras(input.runId);
    let testLabels: ArrayLike<number> | null = extras.testLabels;
    let datasetError: string | null = null;
    if (!testLabels) {
      try {
        if (!run.config) throw new Error('the run has no valid config');
        if (run.config.dataset.startsWith('folder:'))
          throw new Error('this run did not record its test labels');
        testLabels = (await loadTestSet(run.config)).images.labels;
      } catch (error) {
        console.error(`test labels of run ${input.runId}:`, error);
        datasetError = "the run's test images cannot be loaded";
      }
    }
    const result = cellExamples({
      classNames: report.classNames,
      confusionMatrix: report.confusionMatrix,
      misclassified: report.misclassified,
      testLabels,
      predictions: extras.predictions,
      actual: input.actual,
      predicted: input.predicted,
      limit: input.limit,
    });
    return {
      ...result,
      actualLabel: report.classNames[input.actual] ?? String(input.actual),
      predictedLabel: report.classNames[input.predicted] ?? String(input.predicted),
      datasetError,
    };
  });
