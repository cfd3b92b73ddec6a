import { cancelSweep, getSweepDetail, listSweeps, SweepNotFoundError } from '@convlab/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { readProcedure, writeProcedure } from '../../trpc.ts';
import { createSweepProcedure } from './create-sweep.ts';

/** Sweep ids are run ids with `s` in front (see @convlab/db's newSweepId). */
export const sweepIdSchema = z.string().regex(/^s[0-9a-z]{1,40}$/, 'not a sweep id');

export const sweepsRouter = {
  /** Sweeps, newest first, with trial counts and their best val accuracy. */
  list: readProcedure
    .input(z.object({ limit: z.number().int().min(1).max(1000).optional() }).optional())
    .query(async ({ ctx, input }) => {
      return { sweeps: await listSweeps(ctx.db, input?.limit ?? 100), now: new Date() };
    }),

  /** One sweep: its definition, state, counts and trials best first, and the best config. */
  detail: readProcedure.input(z.object({ id: sweepIdSchema })).query(async ({ ctx, input }) => {
    const sweep = await getSweepDetail(ctx.db, input.id);
    if (!sweep) throw new SweepNotFoundError(input.id);
    return { sweep, now: new Date() };
  }),

  create: createSweepProcedure,

  /** Queued trials end cancelled, running ones stop after their batch, nothing is promoted. */
  cancel: writeProcedure.input(z.object({ id: sweepIdSchema })).mutation(async ({ ctx, input }) => {
    return { id: input.id, ...(await cancelSweep(ctx.db, input.id)) };
  }),
} satisfies TRPCRouterRecord;
