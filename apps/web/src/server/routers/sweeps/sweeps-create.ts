import { checkRunLocationsOfAll } from '@convlab/core/policy';
import { runConfigInputSchema, runNameSchema } from '@convlab/core/contracts';
import { parseSearchSpace, planSweep, SWEEP_METHODS } from '@convlab/core/sweep';
import { createSweep } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

/**
 * What the sweep form sends: the base config (preset + fixed overrides, core's schema), the search
 * space as the CLI's `--param` lines, and the sweep's options. Ranges are core's to check (one line
 * naming the option), so the numbers here are only typed.
 */
export const createSweepInputSchema = z.object({
  name: runNameSchema.optional(),
  method: z.enum(SWEEP_METHODS),
  base: runConfigInputSchema,
  /** `learningRate=log:1e-4:1e-2`, `batchSize=64,128`, … (one param each; blank lines ignored). */
  params: z.array(z.string().max(1000)).max(100),
  trials: z.number().int().optional(),
  maxEpochs: z.number().int().optional(),
  minEpochs: z.number().int().optional(),
  eta: z.number().int().optional(),
  seed: z.number().int().optional(),
  maxConcurrent: z.number().int().nullable().optional(),
});
export type CreateSweepInput = z.infer<typeof createSweepInputSchema>;

/** The sweep form opens the new sweep's page. */
export const createSweepOutputSchema = z.object({ id: z.string(), runIds: z.array(z.string()) });

/**
 * Plans and queues a sweep, all or nothing (as `convlab sweep create`). A bad param or option is a
 * 400 with core's one line (InvalidSweepError, see domain-errors.ts); then every distinct folder
 * dataset and weightsUrl the trials use is checked as runs.queue checks one run's.
 */
export const createSweepProcedure = writeProcedure
  .input(createSweepInputSchema)
  .output(createSweepOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const space = parseSearchSpace(input.params.filter((line) => line.trim() !== ''));
    const definition = {
      method: input.method,
      base: input.base,
      space,
      trials: input.trials,
      maxEpochs: input.maxEpochs,
      minEpochs: input.minEpochs,
      eta: input.eta,
      seed: input.seed,
      maxConcurrent: input.maxConcurrent ?? null,
    };
    const trials = planSweep(definition).trials;
    await checkRunLocationsOfAll(
      trials.map((trial) => trial.config),
      ctx.dataPolicy,
    );
    const created = await createSweep(ctx.db, { definition, name: input.name });
    return { id: created.sweep.id, runIds: created.runIds };
  });
