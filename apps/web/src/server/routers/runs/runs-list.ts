import { PRESET_NAMES } from '@convlab/core/contracts';
import { listRuns, RUN_SORTS, RUN_STATUSES, runTagSchema } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

/** The leaderboard's filters (the tRPC list and the CSV download take the same). */
export const listRunsInputSchema = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    preset: z.enum(PRESET_NAMES).optional(),
    dataset: z.string().min(1).max(500).optional(),
    groupId: z.string().min(1).max(100).optional(),
    tag: runTagSchema.optional(),
    sweepId: z.string().min(1).max(64).optional(),
    sort: z.enum(RUN_SORTS).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();

/** The leaderboard: runs matching the filters (newest first unless `sort` says otherwise). */
export const listRunsProcedure = readProcedure
  .input(listRunsInputSchema)
  .query(async ({ ctx, input }) => {
    const runs = await listRuns(ctx.db, { limit: 500, ...input });
    return { runs, now: new Date() };
  });
