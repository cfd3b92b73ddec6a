/**
 * Predicting on new pictures with a trained run's model. A picture goes through exactly what the run's
 * training and test images went through: decoded within the image limits, flattened to RGB (alpha over
 * white), resized bilinearly to the size the dataset is stored at (grey for MNIST-like datasets), then
 * batched, scaled and resized to the model's input like any test batch (makeBatch), so a test image
 * saved as PNG gets the probabilities evaluation gave it.
 */
import type * as tf from '@tensorflow/tfjs';
import type { InputReference } from '../contracts/run-report.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import {
  DEFAULT_IMAGE_LIMITS,
  decodeImage,
  ImageRejected,
  rgbaToRgb,
  type DecodedImage,
  type ImageDecoder,
  type ImageLimits,
} from '../data/image-decode.ts';
import { resizeBilinear } from '../data/image-ops.ts';
import type { ImageSet } from '../data/types.ts';
import { predictInBatches, testBatchInput } from './evaluate.ts';
import { assessInput, type InputAssessment } from './input-reference.ts';

/** What prediction needs of a run's config. */
export type PredictionConfig = Pick<RunConfig, 'dataset' | 'inputSize' | 'inputScaling'>;

export interface StoredImageShape {
  size: number;
  channels: 1 | 3;
}

/** How the run's dataset stores its images: CIFAR-10 and synthetic 32×32 RGB, IDX 28×28 grey, folders at inputSize. */
export function storedImageShape(
  config: Pick<RunConfig, 'dataset' | 'inputSize'>,
): StoredImageShape {
  if (config.dataset === 'mnist' || config.dataset === 'fashion-mnist')
    return { size: 28, channels: 1 };
  if (config.dataset === 'synthetic' || config.dataset === 'cifar10')
    return { size: 32, channels: 3 };
  return { size: config.inputSize, channels: 3 };
}

/** ITU-R BT.601 luma, what a grey conversion of a photo usually means. */
function rgbToGrey(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < grey.length; p++) {
    grey[p] = Math.round(
      0.299 * (rgb[p * 3] ?? 0) + 0.587 * (rgb[p * 3 + 1] ?? 0) + 0.114 * (rgb[p * 3 + 2] ?? 0),
    );
  }
  return grey;
}

/** A decoded image as the dataset stores images (HWC uint8 at storedImageShape). */
export function storedImageFromDecoded(
  decoded: DecodedImage,
  config: Pick<RunConfig, 'dataset' | 'inputSize'>,
): Uint8Array {
  const { size, channels } = storedImageShape(config);
  const rgb = resizeBilinear(
    rgbaToRgb(decoded),
    { height: decoded.height, width: decoded.width, channels: 3 },
    size,
    size,
  );
  return channels === 1 ? rgbToGrey(rgb) : rgb;
}

/**
 * A PNG or JPEG file's bytes as the dataset stores images (HWC uint8 at storedImageShape). Throws
 * ImageRejected for files over the limits or that do not decode.
 */
export function imageForPrediction(
  bytes: Uint8Array,
  config: Pick<RunConfig, 'dataset' | 'inputSize'>,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Uint8Array {
  return storedImageFromDecoded(decodeImage(bytes, limits), config);
}

/** Stored-shape images (as decodeForPrediction makes them) as an ImageSet with placeholder labels. */
export function storedImageSet(
  config: Pick<PredictionConfig, 'dataset' | 'inputSize'>,
  images: readonly Uint8Array[],
  numClasses: number,
): ImageSet {
  const { size, channels } = storedImageShape(config);
  const imageBytes = size * size * channels;
  const all = new Uint8Array(images.length * imageBytes);
  images.forEach((image, i) => {
    if (image.length !== imageBytes)
      throw new Error(`image ${i} has ${image.length} bytes, expected ${size}×${size}×${channels}`);
    all.set(image, i * imageBytes);
  });
  return {
    images: all,
    labels: new Uint8Array(images.length),
    count: images.length,
    height: size,
    width: size,
    channels,
    numClasses,
  };
}

/** Class probabilities, one row per stored-shape image (row-major [images × classes]). */
export async function predictStoredImages(
  model: tf.LayersModel,
  config: PredictionConfig,
  images: Uint8Array[],
  batchSize = 32,
): Promise<Float32Array> {
  const set = storedImageSet(config, images, model.outputs[0]?.shape[1] ?? 0);
  return predictInBatches(
    model,
    set.count,
    batchSize,
    testBatchInput(set, { inputSize: config.inputSize, scaling: config.inputScaling }),
  );
}

/**
 * One image's prediction, or why it has none (refused by the decoder, unreadable, …). A prediction
 * says whether the image looks unlike the run's test images (null when the run's report has no input
 * reference: it finished before references existed).
 */
export type ImagePrediction =
  | {
      ok: true;
      top: ClassProbability[];
      probabilities: number[];
      outOfDistribution: InputAssessment | null;
    }
  | { ok: false; error: string };

/**
 * A file's bytes as imageForPrediction makes them, or the reason (for a reader) it was refused.
 * `decode` may decode elsewhere (a server passes its worker pool's, to keep its event loop free).
 */
export async function decodeForPrediction(
  bytes: Uint8Array,
  config: Pick<RunConfig, 'dataset' | 'inputSize'>,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  decode: ImageDecoder = decodeImage,
): Promise<Uint8Array | string> {
  try {
    return storedImageFromDecoded(await decode(bytes, limits), config);
  } catch (error) {
    if (error instanceof ImageRejected) return error.message;
    throw error;
  }
}

/**
 * Predictions for stored-shape images, the top `k` classes and every probability each, assessed
 * against the run's input reference when it has one; an entry that is a string (why that image was
 * refused) comes back as its error. One batch for all the images.
 */
export async function predictImages(
  model: tf.LayersModel,
  config: PredictionConfig,
  classNames: readonly string[],
  images: readonly (Uint8Array | string)[],
  k: number,
  reference: InputReference | null,
): Promise<ImagePrediction[]> {
  const decoded = images.filter((image): image is Uint8Array => typeof image !== 'string');
  const probs =
    decoded.length > 0 ? await predictStoredImages(model, config, decoded) : new Float32Array(0);
  const top = Math.min(k, classNames.length);
  let next = 0;
  return images.map((image) => {
    if (typeof image === 'string') return { ok: false, error: image };
    const row = probabilityRow(probs, classNames.length, next++);
    return {
      ok: true,
      top: topClasses(row, classNames, top),
      probabilities: row,
      outOfDistribution: reference ? assessInput(reference, image, row) : null,
    };
  });
}

export interface ClassProbability {
  label: string;
  classIndex: number;
  probability: number;
}

/** The `k` most probable classes of one probability row, most probable first (ties: lower index). */
export function topClasses(
  row: ArrayLike<number>,
  classNames: readonly string[],
  k: number,
): ClassProbability[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`topClasses: k must be ≥ 1, got ${k}`);
  if (row.length !== classNames.length)
    throw new Error(`topClasses: ${row.length} probabilities for ${classNames.length} classes`);
  return Array.from(row, (probability, classIndex) => ({
    label: classNames[classIndex] ?? String(classIndex),
    classIndex,
    probability,
  }))
    .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
    .slice(0, k);
}

/** Row `index` of a row-major probability matrix with `numClasses` columns. */
export function probabilityRow(probs: Float32Array, numClasses: number, index: number): number[] {
  return Array.from(probs.subarray(index * numClasses, (index + 1) * numClasses));
}
