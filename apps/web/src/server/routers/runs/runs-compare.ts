import { runIdSchema } from '@convlab/core/contracts';
import { getRunDetail, RunNotFoundError } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

export const compareRunsInputSchema = z.object({
  ids: z
    .array(runIdSchema)
    .min(2, 'pick at least 2 runs to compare')
    .max(4, 'compare at most 4 runs')
    .refine((ids) => new Set(ids).size === ids.length, 'a run is listed twice'),
});

/** 2–4 runs side by side, in the order asked. */
export const compareRunsProcedure = readProcedure
  .input(compareRunsInputSchema)
  .query(async ({ ctx, input }) => {
    const runs = await Promise.all(
      input.ids.map(async (id) => {
        const run = await getRunDetail(ctx.db, id);
        if (!run) throw new RunNotFoundError(id);
        return run;
      }),
    );
    return { runs };
  });
