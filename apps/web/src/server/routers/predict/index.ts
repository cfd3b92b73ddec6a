/**
 * Predictions with a completed run's model: on uploaded PNG/JPEG files, or on a few random images of
 * the run's own test set (with their true labels, so a reader sees right and wrong answers side by
 * side). Mutations: they compute, and carry the images in the request body. Read access is enough:
 * trying a model is viewing it; the size limits and the one-at-a-time queue bound what a request costs.
 * With `explain`, each prediction carries Grad-CAM overlays (core's explain/), computed in the same turn.
 */
import { readRunModelInfo } from '@convlab/db';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  MAX_PREDICT_BYTES,
  MAX_PREDICT_IMAGES,
  MAX_PREDICT_REQUEST_BYTES,
} from '~/lib/predict-limits.ts';
import { readReportExtras } from '../../report-extras.ts';
import { predictImageFiles, predictStoredTestImages } from '../../run-predictor.ts';
import { testImagesForPrediction } from '../../test-images.ts';
import { readProcedure } from '../../trpc.ts';
import { runIdSchema } from '../runs/run-id.ts';

const uploadSchema = z.object({
  name: z.string().min(1).max(255),
  /** The file's bytes, base64. */
  data: z
    .base64('must be the file as base64')
    .max(
      Math.ceil(MAX_PREDICT_BYTES / 3) * 4,
      `an image may be at most ${MAX_PREDICT_BYTES / 1024 / 1024} MiB`,
    ),
});

/** Grad-CAM overlays with each prediction (the predicted class, and the true one where known). */
const explainSchema = z.boolean().default(false);

export const predictImagesInputSchema = z.object({
  runId: runIdSchema,
  explain: explainSchema,
  images: z
    .array(uploadSchema)
    .min(1, 'pick at least one image')
    .max(MAX_PREDICT_IMAGES, `at most ${MAX_PREDICT_IMAGES} images at a time`)
    .refine(
      (images) =>
        images.reduce((sum, image) => sum + image.data.length, 0) <=
        Math.ceil(MAX_PREDICT_REQUEST_BYTES / 3) * 4,
      `at most ${MAX_PREDICT_REQUEST_BYTES / 1024 / 1024} MiB of images at a time`,
    ),
});

export const predictRouter = {
  /**
   * Top-5 classes, every probability and whether it looks unlike the run's test images, for each
   * uploaded image (errors per image, e.g. not a PNG).
   */
  images: readProcedure.input(predictImagesInputSchema).mutation(async ({ ctx, input }) => {
    const files = input.images.map((image) => new Uint8Array(Buffer.from(image.data, 'base64')));
    const limits = {
      maxPixels: ctx.dataPolicy.images.maxPixels,
      maxBytes: Math.min(ctx.dataPolicy.images.maxBytes, MAX_PREDICT_BYTES),
    };
    const result = await predictImageFiles(ctx.db, input.runId, files, limits, input.explain);
    return {
      ...result,
      predictions: result.predictions.map((p, i) => ({ name: input.images[i]?.name ?? '', ...p })),
    };
  }),

  /** `count` random test images of the run, with their true label and the model's prediction. */
  testImages: readProcedure
    .input(
      z.object({
        runId: runIdSchema,
        count: z.number().int().min(1).max(MAX_PREDICT_IMAGES),
        explain: explainSchema,
      }),
    )
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
    }),
} satisfies TRPCRouterRecord;
