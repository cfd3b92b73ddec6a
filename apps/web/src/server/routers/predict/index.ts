/**
 * Predictions with a completed run's model: on uploaded PNG/JPEG files, or on a few random images of
 * the run's own test set (with their true labels, so a reader sees right and wrong answers side by
 * side). Mutations: they compute, and carry the images in the request body. Read access is enough:
 * trying a model is viewing it; the size limits and the one-at-a-time queue bound what a request costs.
 * With `explain`, each prediction carries Grad-CAM overlays (core's explain/), computed in the same turn.
 */
import type { TRPCRouterRecord } from '@trpc/server';
import { predictImagesProcedure } from './predict-images.ts';
import { predictTestImagesProcedure } from './predict-test-images.ts';

export const predictRouter = {
  images: predictImagesProcedure,
  testImages: predictTestImagesProcedure,
} satisfies TRPCRouterRecord;
