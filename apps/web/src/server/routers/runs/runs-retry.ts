import { runIdSchema } from '@convlab/core/contracts';
import { retryRun } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

/** A failed or cancelled run goes back to the queue, starting fresh. */
export const retryRunProcedure = writeProcedure
  .input(z.object({ id: runIdSchema }))
  .mutation(async ({ ctx, input }) => {
    const run = await retryRun(ctx.db, input.id);
    return { id: run.id, status: run.status };
  });
