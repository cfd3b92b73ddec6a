import { cancelSweep } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';
import { sweepIdSchema } from './sweeps-schemas.ts';

export const cancelSweepOutputSchema = z.object({
  id: z.string(),
  cancelled: z.number(),
  stopping: z.number(),
});

/** Queued trials end cancelled, running ones stop after their batch, nothing is promoted. */
export const cancelSweepProcedure = writeProcedure
  .input(z.object({ id: sweepIdSchema }))
  .output(cancelSweepOutputSchema)
  .mutation(async ({ ctx, input }) => {
    return { id: input.id, ...(await cancelSweep(ctx.db, input.id)) };
  });
