import { getSweepDetail, SweepNotFoundError } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';
import { sweepIdSchema } from './sweeps-schemas.ts';

/** One sweep: its definition, state, counts and trials best first, and the best config. */
export const sweepDetailProcedure = readProcedure
  .input(z.object({ id: sweepIdSchema }))
  .query(async ({ ctx, input }) => {
    const sweep = await getSweepDetail(ctx.db, input.id);
    if (!sweep) throw new SweepNotFoundError(input.id);
    return { sweep, now: new Date() };
  });
