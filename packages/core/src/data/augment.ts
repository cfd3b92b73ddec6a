/**
 * On-the-fly augmentation of uint8 images with a seeded RNG, so a run's augmentation is reproducible:
 * - affine: equivalent to Keras ImageDataGenerator(rotation_range, width_shift_range,
 *   height_shift_range, zoom_range, horizontal_flip, fill_mode='nearest');
 * - flip-translate: a random horizontal flip and a shift of up to ±maxShift pixels with a reflected
 *   border (the CIFAR-10 standard; a copy per pixel, no interpolation).
 */
import { z } from 'zod';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { warpAffine, type AffineInverse, type ImageShape } from './image-ops.ts';
import { randomInt, randomUniform, type Rng } from './random.ts';

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

export type AugmentPolicy =
  { kind: 'affine'; params: AugmentParams } | { kind: 'flip-translate'; maxShift: number };

/** The augmentation a run config's `augmentation` names. */
export function augmentPolicy(name: RunConfig['augmentation']): AugmentPolicy {
  return name === 'flip-translate'
    ? { kind: 'flip-translate', maxShift: 2 }
    : { kind: 'affine', params: DEFAULT_AUGMENT };
}

/** Index `i` reflected into [0, n) without repeating the edge (numpy's 'reflect'). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
  return j;
}

/**
 * Flip-translate `count` consecutive images of `src` into `out`. Per image the RNG draws, in order: the
 * flip (p = 0.5), the column shift, the row shift (each uniform in −maxShift…maxShift).
 */
export function flipTranslateImages(
  src: Uint8Array,
  out: Uint8Array,
  count: number,
  shape: ImageShape,
  maxShift: number,
  rng: Rng,
): void {
  const { height, width, channels } = shape;
  const imageBytes = height * width * channels;
  const sourceColumn = new Int32Array(width);
  for (let n = 0; n < count; n++) {
    const flip = rng() < 0.5;
    const dx = randomInt(rng, 2 * maxShift + 1) - maxShift;
    const dy = randomInt(rng, 2 * maxShift + 1) - maxShift;
    for (let x = 0; x < width; x++) {
      sourceColumn[x] = reflect((flip ? width - 1 - x : x) + dx, width) * channels;
    }
    const base = n * imageBytes;
    for (let y = 0; y < height; y++) {
      const from = base + reflect(y + dy, height) * width * channels;
      let to = base + y * width * channels;
      for (let x = 0; x < width; x++) {
        const at = from + sourceColumn[x]!;
        for (let c = 0; c < channels; c++) out[to++] = src[at + c]!;
      }
    }
  }
}

/** Augment `count` consecutive images of `src` into `out` with `policy`. */
export function augmentBatch(
  src: Uint8Array,
  out: Uint8Array,
  count: number,
  shape: ImageShape,
  policy: AugmentPolicy,
  rng: Rng,
): void {
  if (policy.kind === 'affine') {
    augmentParamsSchema.parse(policy.params);
    augmentImages(src, out, count, shape, policy.params, rng);
  } else {
    if (!Number.isInteger(policy.maxShift) || policy.maxShift < 0)
      throw new Error(
        `flip-translate: maxShift must be a non-negative integer, got ${policy.maxShift}`,
      );
    flipTranslateImages(src, out, count, shape, policy.maxShift, rng);
  }
}
