/**
 * Data-dependent initialisation of cnn-plus v2's whitening stem (after Keller Jordan's airbench): the
 * principal directions of the training set's 2×2×3 pixel patches, each scaled by 1/√(variance + ε) and
 * used with both signs as the 24 filters of a frozen 2×2 convolution. The next layers then see
 * decorrelated, unit-variance inputs, which lets a small network learn in few epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../data/batch.ts';
import type { ImageSet } from '../data/types.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';

/** How many training images the patch statistics come from (fewer for large inputs: ≤ 20M floats). */
export const WHITENING_IMAGES = 5000;
const WHITENING_MAX_FLOATS = 20_000_000;
/** Added to each eigenvalue before the 1/√ scaling, so near-constant directions are not blown up. */
export const WHITENING_EPSILON = 5e-4;

/**
 * Mean-centred covariance (row-major dim × dim, dim = patch²·channels) of every patch×patch window
 * (stride 1) of `count` NHWC images. A patch's vector is ordered (row, column, channel), as a conv
 * kernel [patch, patch, channels, ·] is.
 */
export function patchCovariance(
  images: Float32Array,
  shape: { count: number; height: number; width: number; channels: number },
  patch: number,
): Float64Array {
  const { count, height, width, channels } = shape;
  if (images.length !== count * height * width * channels)
    throw new Error('patchCovariance: images do not match the shape');
  if (height < patch || width < patch)
    throw new Error('patchCovariance: images smaller than a patch');
  const dim = patch * patch * channels;
  const sum = new Float64Array(dim);
  const products = new Float64Array(dim * dim);
  const vector = new Float64Array(dim);
  let patches = 0;
  for (let n = 0; n < count; n++) {
    for (let h = 0; h + patch <= height; h++) {
      for (let w = 0; w + patch <= width; w++) {
        let k = 0;
        for (let i = 0; i < patch; i++) {
          const row = ((n * height + h + i) * width + w) * channels;
          for (let j = 0; j < patch * channels; j++) vector[k++] = images[row + j]!;
        }
        for (let a = 0; a < dim; a++) {
          const va = vector[a]!;
          sum[a]! += va;
          for (let b = a; b < dim; b++) products[a * dim + b]! += va * vector[b]!;
        }
        patches++;
      }
    }
  }
  const covariance = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const value = products[a * dim + b]! / patches - (sum[a]! / patches) * (sum[b]! / patches);
      covariance[a * dim + b] = value;
      covariance[b * dim + a] = value;
    }
  }
  return covariance;
}

/**
 * Eigenvalues and eigenvectors of a symmetric n×n matrix by cyclic Jacobi rotations (exact to rounding
 * for the 12×12 matrices used here). `vectors` row k is the unit eigenvector of `values[k]`.
 */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  if (matrix.length !== n * n) throw new Error('symmetricEigen: matrix is not n×n');
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) offDiagonal += a[p * n + q]! ** 2;
    if (offDiagonal < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Rotate columns p and q of a, then rows p and q, and accumulate the rotation in v.
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    values[k] = a[k * n + k]!;
    for (let i = 0; i < n; i++) vectors[k * n + i] = v[i * n + k]!;
  }
  return { values, vectors };
}

/**
 * The whitening kernel [patch, patch, channels, 2·dim]: filter k < dim is eigenvector k / √(λk + ε), and
 * filter dim + k its negative (ReLU after the stem keeps both halves of each direction).
 */
export function patchWhiteningKernel(
  covariance: Float64Array,
  patch: number,
  channels: number,
  epsilon = WHITENING_EPSILON,
): Float32Array {
  const dim = patch * patch * channels;
  const { values, vectors } = symmetricEigen(covariance, dim);
  const kernel = new Float32Array(dim * 2 * dim);
  for (let k = 0; k < dim; k++) {
    const scale = 1 / Math.sqrt(Math.max(values[k]!, 0) + epsilon);
    for (let i = 0; i < dim; i++) {
      const weight = vectors[k * dim + i]! * scale;
      kernel[i * 2 * dim + k] = weight;
      kernel[i * 2 * dim + dim + k] = -weight;
    }
  }
  return kernel;
}

/**
 * Sets the frozen whitening convolution `layerName` of `model` from the patch statistics of the first
 * WHITENING_IMAGES images of `set`, scaled and resized as the model sees them.
 */
export async function initPatchWhitening(
  model: tf.LayersModel,
  layerName: string,
  set: ImageSet,
  input: { inputSize: number; scaling: RunConfig['inputScaling'] },
): Promise<void> {
  const layer = model.getLayer(layerName);
  const [kernelWeight] = layer.getWeights();
  const [patch = 0, , channels = 0, filters = 0] = kernelWeight?.shape ?? [];
  if (filters !== 2 * patch * patch * channels)
    throw new Error(`initPatchWhitening: ${layerName} is not a whitening convolution`);
  const imageFloats = input.inputSize * input.inputSize * channels;
  const count = Math.max(
    1,
    Math.min(set.count, WHITENING_IMAGES, Math.floor(WHITENING_MAX_FLOATS / imageFloats)),
  );
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  const { xs, ys } = makeBatch(set, indices, { ...input, channels: 3 });
  const pixels = (await xs.data()) as Float32Array;
  const [, height = 0, width = 0] = xs.shape;
  tf.dispose([xs, ys]);
  const covariance = patchCovariance(pixels, { count, height, width, channels }, patch);
  const kernel = tf.tensor4d(patchWhiteningKernel(covariance, patch, channels), [
    patch,
    patch,
    channels,
    filters,
  ]);
  layer.setWeights([kernel]);
  kernel.dispose();
}
