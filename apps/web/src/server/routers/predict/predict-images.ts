import { runIdSchema } from '@convlab/core/contracts';
import { z } from 'zod';
import {
  MAX_PREDICT_BYTES,
  MAX_PREDICT_IMAGES,
  MAX_PREDICT_REQUEST_BYTES,
} from '~/lib/predict-limits.ts';
import { predictImageFiles } from '../../run-predictor.ts';
import { readProcedure } from '../../trpc.ts';
import { explainSchema } from './predict-schemas.ts';

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

/**
 * Top-5 classes, every probability and whether it looks unlike the run's test images, for each
 * uploaded image (errors per image, e.g. not a PNG).
 */
export const predictImagesProcedure = readProcedure
  .input(predictImagesInputSchema)
  .mutation(async ({ ctx, input }) => {
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
  });
