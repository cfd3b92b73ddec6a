import { listSweeps } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

export const listSweepsInputSchema = z
  .object({ limit: z.number().int().min(1).max(1000).optional() })
  .optional();

/** Sweeps, newest first, with trial counts and their best val accuracy. */
export const listSweepsProcedure = readProcedure
  .input(listSweepsInputSchema)
  .query(async ({ ctx, input }) => {
    return { sweeps: await listSweeps(ctx.db, input?.limit ?? 100), now: new Date() };
  });
