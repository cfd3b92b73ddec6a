/**
 * On-the-fly augmentation equivalent to Keras ImageDataGenerator(rotation_range, width_shift_range,
 * height_shift_range, zoom_range, horizontal_flip, fill_mode='nearest'), applied to uint8 images in JS
 * with a seeded RNG so a run's augmentation is reproducible.
 */
import { z } from 'zod';
import { warpAffine, type AffineInverse, type ImageShape } from './image-ops.ts';
import { randomUniform, type Rng } from './random.ts';

export const augmentParamsSchema = z
  .object({
    /** Rotation uniform in ±rotationDegrees. */
    rotationDegrees: z.number().min(0).max(180),
    /** Shift uniform in ±fraction of the width / height. */
    widthShift: z.number().min(0).max(1),
    heightShift: z.number().min(0).max(1),
    /** Zoom factor per axis uniform in [1 − zoom, 1 + zoom] (Keras: > 1 zooms out). */
    zoom: z.number().min(0).max(0.9),
    horizontalFlip: z.boolean(),
  })
  .strict();
export type AugmentParams = z.infer<typeof augmentParamsSchema>;

export const DEFAULT_AUGMENT: AugmentParams = {
  rotationDegrees: 15,
  widthShift: 0.1,
  heightShift: 0.1,
  zoom: 0.1,
  horizontalFlip: true,
};

/** Draw one image's random transform (same draws, in the same order, as Keras's get_random_transform). */
export function randomTransform(params: AugmentParams, shape: ImageShape, rng: Rng): AffineInverse {
  const theta =
    (randomUniform(rng, -params.rotationDegrees, params.rotationDegrees) * Math.PI) / 180;
  const tx = randomUniform(rng, -params.widthShift, params.widthShift) * shape.width;
  const ty = randomUniform(rng, -params.heightShift, params.heightShift) * shape.height;
  const zx = params.zoom > 0 ? randomUniform(rng, 1 - params.zoom, 1 + params.zoom) : 1;
  const zy = params.zoom > 0 ? randomUniform(rng, 1 - params.zoom, 1 + params.zoom) : 1;
  const flip = params.horizontalFlip && rng() < 0.5;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  // Output→input map: rotate and zoom about the centre, then shift. (Keras also rotates the shift; with
  // symmetric ranges the distribution of transforms is the same.)
  return { a: cos * zx, b: -sin * zy, c: sin * zx, d: cos * zy, tx, ty, flip };
}

/** Augment `count` consecutive images of `src` into `out` (same layout), each with its own random transform. */
export function augmentImages(
  src: Uint8Array,
  out: Uint8Array,
  count: number,
  shape: ImageShape,
  params: AugmentParams,
  rng: Rng,
): void {
  const imageBytes = shape.height * shape.width * shape.channels;
  for (let i = 0; i < count; i++) {
    warpAffine(
      src,
      i * imageBytes,
      out,
      i * imageBytes,
      shape,
      randomTransform(params, shape, rng),
    );
  }
}
