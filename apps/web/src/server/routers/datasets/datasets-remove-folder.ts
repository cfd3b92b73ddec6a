import { removeFolderDataset } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

export const removeFolderOutputSchema = z.object({ removed: z.boolean() });

/** Forgets a registered image folder (its files stay where they are). */
export const removeFolderProcedure = writeProcedure
  .input(z.object({ dataset: z.string().min(1).max(2000) }))
  .output(removeFolderOutputSchema)
  .mutation(async ({ ctx, input }) => ({
    removed: await removeFolderDataset(ctx.db, input.dataset),
  }));
