import { runIdSchema } from '@convlab/core/contracts';
import { annotateRun, runNoteSchema, runTagsSchema } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

export const annotateRunInputSchema = z.object({
  id: runIdSchema,
  tags: runTagsSchema.optional(),
  note: runNoteSchema.optional(),
});

/** The notes editor shows the tags and note as stored (deduplicated, trimmed). */
export const annotateRunOutputSchema = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  note: z.string().nullable(),
});

/** Replaces a run's tags and/or its note (any status); an empty note removes it. */
export const annotateRunProcedure = writeProcedure
  .input(annotateRunInputSchema)
  .output(annotateRunOutputSchema)
  .mutation(async ({ ctx, input }) => {
    return annotateRun(ctx.db, input.id, { tags: input.tags, note: input.note });
  });
