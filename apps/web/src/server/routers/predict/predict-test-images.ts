import { runIdSchema } from '@convlab/core/contracts';
import { readRunModelInfo } from '@convlab/db';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { MAX_PREDICT_IMAGES } from '~/lib/predict-limits.ts';
import { readReportExtras } from '../../report-extras.ts';
import { predictStoredTestImages } from '../../run-predictor.ts';
import { testImagesForPrediction } from '../../test-images.ts';
import { readProcedure } from '../../trpc.ts';
import { explainSchema } from './predict-schemas.ts';

export const predictTestImagesInputSchema = z.object({
  runId: runIdSchema,
  count: z.number().int().min(1).max(MAX_PREDICT_IMAGES),
  explain: explainSchema,
});

/** `count` random test images of the run, with their true label and the model's prediction. */
export const predictTestImagesProcedure = readProcedure
  .input(predictTestImagesInputSchema)
  .mutation(async ({ ctx, input }) => {
    const { config, classNames } = await readRunModelInfo(ctx.db, input.runId);
    const extras = await readReportExtras(input.runId);
    let picked;
    try {
      picked = await testImagesForPrediction(
        input.runId,
        config,
        extras.testLabels,
        input.count,
        ctx.dataPolicy,
      );
    } catch (error) {
      console.error(`test images of run ${input.runId}:`, error);
      throw new TRPCError({
        code: 'CONFLICT',
        message: "the run's test images cannot be loaded",
      });
    }
    const result = await predictStoredTestImages(
      ctx.db,
      input.runId,
      picked.map((p) => p.pixels),
      input.explain ? picked.map((p) => p.label) : null,
    );
    return {
      ...result,
      predictions: result.predictions.map((p, i) => {
        const image = picked[i];
        const trueClass = image?.label ?? null;
        return {
          index: image?.index ?? 0,
          trueLabel: trueClass === null ? null : (classNames[trueClass] ?? null),
          ...p,
        };
      }),
    };
  });
