/**
 * Is a picture like the run's test images? The report keeps a reference computed from the test set at
 * the end of training (pixel statistics of the stored images, and how sure the model was of them);
 * assessInput compares one stored-shape image and its predicted probabilities with it. It only warns:
 * an inverted or unusually dark, bright or flat picture still gets its prediction, with the reasons.
 *
 * The model outputs softmax probabilities, not logits, so confidence is the max-softmax probability
 * (an energy score would need the logits).
 */
import { z } from 'zod';
import {
  inputReferenceSchema,
  type InputReference,
  type Percentiles,
} from '../contracts/run-report.ts';
import type { ImageSet } from '../data/types.ts';
import type { StoredImageShape } from './predict.ts';

export interface InputAssessment {
  /** True when at least one statistic is far outside the test set's. */
  flagged: boolean;
  /** Why, in plain words (empty when not flagged). */
  reasons: string[];
}

/**
 * How far past the 1st/99th percentile a value must be to count, as a fraction of the 1st–99th span:
 * 2% of the test images themselves lie outside those percentiles, and a small margin keeps images
 * just past them (real ones, mostly) from being flagged while inverted or blank pictures still are.
 */
const MARGIN = 0.1;

/** Brightness (mean) and contrast (standard deviation) of an image's per-pixel intensity, 0–255. */
export function imageStatistics(
  image: Uint8Array,
  channels: 1 | 3,
): { brightness: number; contrast: number } {
  const pixels = image.length / channels;
  if (!Number.isInteger(pixels) || pixels < 1)
    throw new Error(
      `imageStatistics: ${image.length} bytes is not whole ${channels}-channel pixels`,
    );
  let sum = 0;
  let sumSquares = 0;
  for (let p = 0; p < pixels; p++) {
    let intensity = 0;
    for (let c = 0; c < channels; c++) intensity += image[p * channels + c] ?? 0;
    intensity /= channels;
    sum += intensity;
    sumSquares += intensity * intensity;
  }
  const brightness = sum / pixels;
  return {
    brightness,
    contrast: Math.sqrt(Math.max(0, sumSquares / pixels - brightness * brightness)),
  };
}

/** Mean and standard deviation of each channel over every pixel of HWC images. */
function channelStatistics(
  images: Uint8Array,
  channels: 1 | 3,
): { channelMean: number[]; channelStd: number[] } {
  const channelMean: number[] = [];
  const channelStd: number[] = [];
  const pixels = images.length / channels;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let sumSquares = 0;
    for (let b = c; b < images.length; b += channels) {
      const value = images[b] ?? 0;
      sum += value;
      sumSquares += value * value;
    }
    const mean = sum / pixels;
    channelMean.push(mean);
    channelStd.push(Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean)));
  }
  return { channelMean, channelStd };
}

/** Linear-interpolation percentiles (NumPy's default) of a non-empty list of values. */
export function percentiles(values: ArrayLike<number>): Percentiles {
  if (values.length === 0) throw new Error('percentiles: no values');
  const sorted = Float64Array.from(values).sort();
  const at = (fraction: number) => {
    const position = fraction * (sorted.length - 1);
    const below = Math.floor(position);
    const low = sorted[below] ?? 0;
    const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
    return low + (high - low) * (position - below);
  };
  return { p1: at(0.01), p5: at(0.05), p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** The reference of a test set and the probabilities the model gave it (row-major, count × classes). */
export function computeInputReference(test: ImageSet, probs: Float32Array): InputReference {
  const { count, height, width, channels, numClasses } = test;
  if (count < 1) throw new Error('computeInputReference: the test set is empty');
  if (probs.length !== count * numClasses)
    throw new Error(`computeInputReference: expected ${count}×${numClasses} probabilities`);
  const imageBytes = height * width * channels;
  const brightness = new Float64Array(count);
  const contrast = new Float64Array(count);
  const maxProbability = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const image = test.images.subarray(i * imageBytes, (i + 1) * imageBytes);
    const stats = imageStatistics(image, channels);
    brightness[i] = stats.brightness;
    contrast[i] = stats.contrast;
    maxProbability[i] = Math.max(...probs.subarray(i * numClasses, (i + 1) * numClasses));
  }
  return {
    imageCount: count,
    height,
    width,
    channels,
    ...channelStatistics(test.images.subarray(0, count * imageBytes), channels),
    brightness: percentiles(brightness),
    contrast: percentiles(contrast),
    maxProbability: percentiles(maxProbability),
  };
}

/** The range outside which a statistic counts as unusual: the 1st–99th percentile, widened. */
function usualRange(q: Percentiles): { low: number; high: number } {
  const margin = MARGIN * (q.p99 - q.p1);
  return { low: q.p1 - margin, high: q.p99 + margin };
}

const round = (value: number) => String(Math.round(value));

/** Whether one stored-shape image and its class probabilities look like the reference's test images. */
export function assessInput(
  reference: InputReference,
  storedImage: Uint8Array,
  probabilities: ArrayLike<number>,
): InputAssessment {
  const { height, width, channels } = reference;
  if (storedImage.length !== height * width * channels)
    throw new Error(
      `assessInput: image has ${storedImage.length} bytes, expected ${height}×${width}×${channels}`,
    );
  if (probabilities.length < 2)
    throw new Error(`assessInput: expected a probability per class, got ${probabilities.length}`);
  const { brightness, contrast } = imageStatistics(storedImage, channels);
  const maxProbability = Math.max(...Array.from(probabilities));
  const reasons: string[] = [];
  const pixelReason = (what: string, value: string, q: Percentiles) =>
    `its ${what} (${value}) is outside what the test images have ` +
    `(1st–99th percentile ${round(q.p1)}–${round(q.p99)})`;
  const bright = usualRange(reference.brightness);
  if (brightness < bright.low || brightness > bright.high)
    reasons.push(pixelReason('brightness', `mean ${round(brightness)}`, reference.brightness));
  const contrasted = usualRange(reference.contrast);
  if (contrast < contrasted.low || contrast > contrasted.high)
    reasons.push(
      pixelReason('contrast', `standard deviation ${round(contrast)}`, reference.contrast),
    );
  // Only low confidence is unusual: a model surer than on its test images is no warning sign.
  if (maxProbability < usualRange(reference.maxProbability).low)
    reasons.push(
      `the model is less sure than on 99% of the test images (max probability ` +
        `${maxProbability.toFixed(2)}, 1st percentile ${reference.maxProbability.p1.toFixed(2)})`,
    );
  return { flagged: reasons.length > 0, reasons };
}

const reportFileReferenceSchema = z.object({
  report: z.object({ inputReference: inputReferenceSchema.optional() }),
});

/**
 * The input reference in a run's report.json bytes, when it has one for images of `shape`; null for a
 * missing or unreadable file and for reports written before the reference existed.
 */
export function inputReferenceFromReportFile(
  bytes: Uint8Array | null,
  shape: StoredImageShape,
): InputReference | null {
  if (!bytes) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  const reference = reportFileReferenceSchema.safeParse(json).data?.report.inputReference;
  if (!reference) return null;
  const fits =
    reference.height === shape.size &&
    reference.width === shape.size &&
    reference.channels === shape.channels;
  return fits ? reference : null;
}
