import { runIdSchema } from '@convlab/core/contracts';
import { deleteRun } from '@convlab/db';
import { z } from 'zod';
import { removeRunArtifacts } from '../../run-artifacts.ts';
import { writeProcedure } from '../../trpc.ts';

export const deleteRunOutputSchema = z.object({ id: z.string(), deleted: z.literal(true) });

/**
 * Deletes a run (epochs and report cascade) and its folder `<runs dir>/<id>/`. A running run must be
 * cancelled first (409). The row goes first: a crash in between leaves an orphan folder, never a run
 * pointing at deleted files.
 */
export const deleteRunProcedure = writeProcedure
  .input(z.object({ id: runIdSchema }))
  .output(deleteRunOutputSchema)
  .mutation(async ({ ctx, input }) => {
    await deleteRun(ctx.db, input.id);
    await removeRunArtifacts(input.id);
    return { id: input.id, deleted: true as const };
  });
