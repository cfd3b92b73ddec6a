import { PRESET_NAMES } from '@convlab/core/contracts';
import { listRunFilterValues } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

/** What the leaderboard's filter selects offer. */
export const runFilterOptionsOutputSchema = z.object({
  presets: z.array(z.enum(PRESET_NAMES)),
  datasets: z.array(z.string()),
  groups: z.array(
    z.object({ groupId: z.string(), runs: z.number(), createdAt: z.date().nullable() }),
  ),
});

/** Values the leaderboard's filters can take: datasets and comparison groups that have runs. */
export const runFilterOptionsProcedure = readProcedure
  .output(runFilterOptionsOutputSchema)
  .query(async ({ ctx }) => {
    return { presets: [...PRESET_NAMES], ...(await listRunFilterValues(ctx.db)) };
  });
