import { runIdSchema } from '@convlab/core/contracts';
import { getRunDetail, RunNotFoundError } from '@convlab/db';
import { z } from 'zod';
import { listRunArtifacts } from '../../run-artifacts.ts';
import { readProcedure } from '../../trpc.ts';

/** One run in full: config, epochs, report, the files it left behind. */
export const runDetailProcedure = readProcedure
  .input(z.object({ id: runIdSchema }))
  .query(async ({ ctx, input }) => {
    const run = await getRunDetail(ctx.db, input.id);
    if (!run) throw new RunNotFoundError(input.id);
    return { run, artifacts: await listRunArtifacts(input.id), now: new Date() };
  });
