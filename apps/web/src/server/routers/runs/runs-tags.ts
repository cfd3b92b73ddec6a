import { listRunTags } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

export const runTagsOutputSchema = z.object({
  tags: z.array(z.object({ tag: z.string(), runs: z.number() })),
});

/** Every tag in use with its run count, most used first (the leaderboard's tag filter). */
export const runTagsProcedure = readProcedure
  .output(runTagsOutputSchema)
  .query(async ({ ctx }) => ({ tags: await listRunTags(ctx.db) }));
