/**
 * What "the lab's experiment" will train before it is queued: each preset's epochs (every phase) and
 * how long it should take here, from how fast earlier runs of each preset trained on this database's
 * trainers. A preset nobody has run yet has no estimate, and says so.
 */
import {
  estimateRunSeconds,
  FOLDER_TEST_FRACTION,
  phaseRatesFrom,
  planPhases,
  setupSecondsPerImage,
  totalEpochs,
  type RunConfig,
} from '@convlab/core';
import { epochPhaseSchema, PRESETS } from '@convlab/core/contracts';
import { listFolderDatasets, recentRunTimings, resolveRunConfigOrThrow } from '@convlab/db';
import { z } from 'zod';
import { listDatasetStatuses } from '../../dataset-service.ts';
import { readProcedure } from '../../trpc.ts';
import { LAB_EXPERIMENT_PRESETS, queueExperimentInputSchema } from './runs-queue-experiment.ts';

export const experimentPlanInputSchema = queueExperimentInputSchema.pick({
  dataset: true,
  epochs: true,
});

/** What the experiment form shows per preset before queueing. */
export const experimentPlanOutputSchema = z.object({
  runs: z.array(
    z.object({
      preset: z.enum(LAB_EXPERIMENT_PRESETS),
      title: z.string(),
      phases: z.array(z.object({ phase: epochPhaseSchema, epochs: z.number() })),
      epochs: z.number(),
      trainImages: z.number().nullable(),
      /** Seconds, or null: no earlier run of the preset, or the dataset's size is unknown. */
      seconds: z.number().nullable(),
      basedOnRuns: z.number(),
    }),
  ),
});

/** Images the run will train on: the dataset's training images less its validation split. */
function trainImagesOf(
  config: RunConfig,
  folders: Awaited<ReturnType<typeof listFolderDatasets>>,
): number | null {
  const builtin = listDatasetStatuses().find((d) => d.name === config.dataset);
  const folder = folders.find((f) => f.dataset === config.dataset);
  let images: number | null = null;
  if (builtin?.trainImages) images = builtin.trainImages;
  else if (folder) {
    // `<class>/*` folders give a test split too; train/ + test/ folders say what is for training.
    images =
      folder.scan.layout === 'train-test'
        ? folder.scan.classes.reduce((sum, c) => sum + c.trainImages, 0)
        : Math.round(folder.scan.images * (1 - FOLDER_TEST_FRACTION));
  }
  if (images === null) return null;
  images = Math.min(images, config.trainLimit ?? Infinity);
  return Math.round(images * (1 - config.validationSplit));
}

/** The lab experiment's runs before they are queued: epochs per phase and a time estimate. */
export const experimentPlanProcedure = readProcedure
  .input(experimentPlanInputSchema)
  .output(experimentPlanOutputSchema)
  .query(async ({ ctx, input }) => {
    const folders = await listFolderDatasets(ctx.db);
    const runs = await Promise.all(
      LAB_EXPERIMENT_PRESETS.map(async (preset) => {
        const config = resolveRunConfigOrThrow({
          preset,
          dataset: input.dataset,
          epochs: input.epochs,
        });
        const phases = planPhases(config).map((p) => ({ phase: p.phase, epochs: p.epochs }));
        const epochs = totalEpochs(config);
        const trainImages = trainImagesOf(config, folders);
        // Runs of the preset on any of this database's trainers, at this input size.
        const timings = await recentRunTimings(ctx.db, { preset, inputSize: config.inputSize });
        const estimate =
          trainImages === null || timings.length === 0
            ? null
            : estimateRunSeconds(
                config,
                trainImages,
                phaseRatesFrom(timings),
                setupSecondsPerImage(timings),
              );
        return {
          preset,
          title: PRESETS[preset].title,
          phases,
          epochs,
          trainImages,
          seconds: estimate && estimate.untimed.length === 0 ? estimate.seconds : null,
          basedOnRuns: timings.length,
        };
      }),
    );
    return { runs };
  });
