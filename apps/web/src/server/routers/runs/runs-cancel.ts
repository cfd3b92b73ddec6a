import { runIdSchema } from '@convlab/core/contracts';
import { cancelRun } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

/** Queued runs are cancelled at once; running ones stop after the current batch. */
export const cancelRunProcedure = writeProcedure
  .input(z.object({ id: runIdSchema }))
  .mutation(async ({ ctx, input }) => {
    const run = await cancelRun(ctx.db, input.id);
    return { id: run.id, status: run.status, cancelRequested: run.cancelRequested };
  });
