import { randomBytes } from 'node:crypto';
import { checkRunLocations } from '@convlab/core/policy';
import {
  datasetNameSchema,
  MAX_SEED,
  prioritySchema,
  type PresetName,
} from '@convlab/core/contracts';
import { enqueueRun, resolveRunConfigOrThrow } from '@convlab/db';
import { z } from 'zod';
import { writeProcedure } from '../../trpc.ts';

/**
 * The lab's comparison: its CNN and its transfer model, and the two improved versions of each. Queued
 * longest first so that two trainer slots finish at about the same time: on full CIFAR-10 with
 * `--concurrency 2` on 2 cores, cnn-plus took 26 min in one slot while transfer-plus (15 min), seed-cnn
 * (16 min) and seed-transfer (1 min) ran in the other; 31 min in all (docs/PERFORMANCE.md).
 */
export const LAB_EXPERIMENT_PRESETS = [
  'cnn-plus',
  'transfer-plus',
  'seed-cnn',
  'seed-transfer',
] as const satisfies readonly PresetName[];

export const queueExperimentInputSchema = z.object({
  dataset: datasetNameSchema,
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  /** Caps every run's epochs (each preset's default otherwise). */
  epochs: z.number().int().min(1).max(500).optional(),
  priority: prioritySchema.optional(),
});
export type QueueExperimentInput = z.infer<typeof queueExperimentInputSchema>;

/** The experiment form links to the group's leaderboard and to comparing its runs. */
export const queueExperimentOutputSchema = z.object({
  groupId: z.string(),
  ids: z.array(z.string()),
});

/** `g` + time + randomness: sorts by creation like run ids, never collides in practice. */
function newGroupId(): string {
  return `g${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * Queues the four lab presets on one dataset as one comparison group (shared groupId). Every config
 * is validated before any run is queued, so a bad override queues nothing.
 */
export const queueExperimentProcedure = writeProcedure
  .input(queueExperimentInputSchema)
  .output(queueExperimentOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const configs = LAB_EXPERIMENT_PRESETS.map((preset) => {
      const config = { preset, dataset: input.dataset, seed: input.seed, epochs: input.epochs };
      resolveRunConfigOrThrow(config);
      return config;
    });
    await checkRunLocations(resolveRunConfigOrThrow(configs[0]), ctx.dataPolicy);
    const groupId = newGroupId();
    const seed = resolveRunConfigOrThrow(configs[0]).seed;
    const ids: string[] = [];
    for (const config of configs) {
      const run = await enqueueRun(ctx.db, {
        config,
        // The preset and dataset have columns of their own: the name says what the runs share.
        name: `lab experiment ${groupId.slice(-4)}, seed ${seed}`,
        priority: input.priority,
        groupId,
      });
      ids.push(run.id);
    }
    return { groupId, ids };
  });
