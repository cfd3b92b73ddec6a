import { runIdSchema } from '@convlab/core/contracts';
import { getRunDetail, RunNotFoundError } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

/** A run's evaluation: per-class scores, averages, confusion matrix, misclassified examples. */
export const reportByRunProcedure = readProcedure
  .input(z.object({ runId: runIdSchema }))
  .query(async ({ ctx, input }) => {
    const run = await getRunDetail(ctx.db, input.runId);
    if (!run) throw new RunNotFoundError(input.runId);
    return { status: run.status, report: run.report };
  });
