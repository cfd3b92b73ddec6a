/**
 * Turns byte images into model input, one batch at a time: gather (optionally augment) the uint8 images,
 * scale them into ONE Float32Array, and make one tensor (no per-image tensors), resized to the model's
 * input size when it differs from the stored size.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch, type AugmentPolicy } from './augment.ts';
import { shuffledIndices, type Rng } from './random.ts';
import type { InputScaling } from '../contracts/run-config-schema.ts';
import type { ImageSet } from './types.ts';

export interface BatchOptions {
  /** Square side the model expects; images are resized bilinearly when it differs from the stored size. */
  inputSize: number;
  /** unit = pixel/255 in [0,1]; symmetric = pixel/127.5 − 1 in [−1,1] (MobileNetV2's preprocessing). */
  scaling: InputScaling;
  /** Channels the model expects; grayscale images are replicated to RGB. */
  channels: 3;
  /** Random augmentation per image; needs `rng`. */
  augment?: AugmentPolicy;
  rng?: Rng;
  /** Label smoothing ε: targets (1 − ε)·one-hot + ε/classes (training batches). */
  labelSmoothing?: number;
}

export interface Batch {
  xs: tf.Tensor4D;
  ys: tf.Tensor2D;
}

/** Copy the listed images into one contiguous byte buffer. */
function gatherImages(set: ImageSet, indices: ArrayLike<number>): Uint8Array {
  const imageBytes = set.height * set.width * set.channels;
  const out = new Uint8Array(indices.length * imageBytes);
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k] ?? -1;
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new Error(`makeBatch: index ${index} is outside the image set (0..${set.count - 1})`);
    }
    out.set(set.images.subarray(index * imageBytes, (index + 1) * imageBytes), k * imageBytes);
  }
  return out;
}

/** One batch of (images, one-hot labels) as tensors. The caller disposes them. */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, options: BatchOptions): Batch {
  const { inputSize, scaling, augment, rng } = options;
  if (indices.length === 0) throw new Error('makeBatch: no indices');
  if (!Number.isInteger(inputSize) || inputSize < 1)
    throw new Error(`makeBatch: bad inputSize ${inputSize}`);
  if (options.channels !== 3) throw new Error('makeBatch: only 3-channel model input is supported');
  const count = indices.length;
  const shape = { height: set.height, width: set.width, channels: set.channels };
  let bytes = gatherImages(set, indices);
  if (augment) {
    if (!rng) throw new Error('makeBatch: augmentation needs a seeded rng');
    const augmented = new Uint8Array(bytes.length);
    augmentBatch(bytes, augmented, count, shape, augment, rng);
    bytes = augmented;
  }

  const pixels = count * set.height * set.width;
  const floats = new Float32Array(pixels * 3);
  const scale = scaling === 'unit' ? 1 / 255 : 1 / 127.5;
  const offset = scaling === 'unit' ? 0 : -1;
  if (set.channels === 3) {
    for (let i = 0; i < floats.length; i++) floats[i] = (bytes[i] ?? 0) * scale + offset;
  } else {
    for (let p = 0; p < pixels; p++) {
      const value = (bytes[p] ?? 0) * scale + offset;
      floats[p * 3] = value;
      floats[p * 3 + 1] = value;
      floats[p * 3 + 2] = value;
    }
  }

  const targets = labelTargets(set, indices, options.labelSmoothing ?? 0);

  const stored = tf.tensor4d(floats, [count, set.height, set.width, 3]);
  let xs = stored;
  if (set.height !== inputSize || set.width !== inputSize) {
    // Scaling is affine, so resizing after it equals resizing the bytes first.
    xs = tf.tidy(() => tf.image.resizeBilinear(stored, [inputSize, inputSize]));
    stored.dispose();
  }
  return { xs, ys: tf.tensor2d(targets, [count, set.numClasses]) };
}

/** Row-major [indices × classes] targets: one-hot, or (1 − ε)·one-hot + ε/classes with smoothing ε. */
export function labelTargets(
  set: ImageSet,
  indices: ArrayLike<number>,
  labelSmoothing = 0,
): Float32Array {
  if (!(labelSmoothing >= 0 && labelSmoothing < 1))
    throw new Error(`labelSmoothing must be in [0, 1), got ${labelSmoothing}`);
  const classes = set.numClasses;
  const off = labelSmoothing / classes;
  const targets = new Float32Array(indices.length * classes).fill(off);
  for (let k = 0; k < indices.length; k++) {
    const label = set.labels[indices[k] ?? 0] ?? 0;
    if (label >= classes) throw new Error(`makeBatch: label ${label} ≥ numClasses ${classes}`);
    targets[k * classes + label] = 1 - labelSmoothing + off;
  }
  return targets;
}

export interface EpochBatchOptions {
  batchSize: number;
  /** Shuffle the order each epoch (training); off for evaluation. */
  shuffle: boolean;
  rng?: Rng;
  /** Drop a last batch smaller than batchSize. */
  dropRemainder?: boolean;
}

/** The index lists of one epoch's batches, in order (shuffled with `rng` when asked). */
export function* epochBatchIndices(
  count: number,
  options: EpochBatchOptions,
): Generator<Int32Array> {
  const { batchSize, shuffle, rng, dropRemainder = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  let order: Int32Array;
  if (shuffle) {
    if (!rng) throw new Error('epochBatchIndices: shuffling needs a seeded rng');
    order = shuffledIndices(count, rng);
  } else {
    order = Int32Array.from({ length: count }, (_, i) => i);
  }
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    if (dropRemainder && end - start < batchSize) return;
    yield order.subarray(start, end);
  }
}

/**
 * One epoch of batches as tensors. Each batch is made when the loop asks for it; the caller disposes
 * every batch's tensors after using them.
 */
export function* epochBatches(
  set: ImageSet,
  options: EpochBatchOptions & BatchOptions,
): Generator<Batch & { indices: Int32Array }> {
  for (const indices of epochBatchIndices(set.count, options)) {
    yield { ...makeBatch(set, indices, options), indices };
  }
}
