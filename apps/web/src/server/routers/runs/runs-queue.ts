import { checkRunLocations } from '@convlab/core/policy';
import { prioritySchema, runConfigInputSchema, runNameSchema } from '@convlab/core/contracts';
import { enqueueRun, resolveRunConfigOrThrow } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

export const queueRunInputSchema = z.object({
  /** Preset + overrides, exactly what `convlab queue` accepts (core's schema). */
  config: runConfigInputSchema,
  name: runNameSchema.optional(),
  priority: prioritySchema.optional(),
});
export type QueueRunInput = z.infer<typeof queueRunInputSchema>;

/** The queue form links to the new run's page. */
export const queueRunOutputSchema = z.object({ id: z.string() });

/** Queues one run. The config is merged onto its preset and validated whole (bad fields → 400). */
export const queueRunProcedure = writeProcedure
  .input(queueRunInputSchema)
  .output(queueRunOutputSchema)
  .mutation(async ({ ctx, input }) => {
    // Bad fields first (400 naming the field), then where a folder dataset or weightsUrl points.
    await checkRunLocations(resolveRunConfigOrThrow(input.config), ctx.dataPolicy);
    const run = await enqueueRun(ctx.db, {
      config: input.config,
      name: input.name,
      priority: input.priority,
    });
    return { id: run.id };
  });
