/**
 * Cached activations of an image set: one row per image of a frozen part of the network's output (the
 * pooled backbone features, or the trunk below the fine-tuned layers), filled once and gathered batch
 * by batch. Rows are float32 while the cache fits the memory budget, else float16 (half the memory,
 * ~3 significant digits), else the cache is refused with a CacheBudgetError.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeFloat16, encodeFloat16 } from './float16.ts';

/** The default memory budget of one cache (CONVLAB_CACHE_BUDGET_MB sets it for the trainer). */
export const DEFAULT_CACHE_BUDGET_BYTES = 3 * 1024 ** 3;

export type CachePrecision = 'float32' | 'float16';

export interface ActivationCache {
  /** Images (rows). */
  count: number;
  /** Shape of one row (e.g. [1280], or [3, 3, 576]). */
  shape: number[];
  /** Floats per row. */
  width: number;
  precision: CachePrecision;
  data: Float32Array | Uint16Array;
}

export class CacheBudgetError extends Error {
  override name = 'CacheBudgetError';
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The precision for caching `rows` rows of `shape` within `budgetBytes`: float32 if it fits, else
 * float16, else a CacheBudgetError that says what to change.
 */
export function cachePrecision(rows: number, shape: number[], budgetBytes: number): CachePrecision {
  const floats = rows * sizeOf(shape);
  if (floats * 4 <= budgetBytes) return 'float32';
  if (floats * 2 <= budgetBytes) return 'float16';
  const mb = (bytes: number) => `${Math.ceil(bytes / 1024 ** 2)} MB`;
  throw new CacheBudgetError(
    `caching ${rows} × [${shape.join('×')}] activations needs ${mb(floats * 2)} even as float16, ` +
      `over the ${mb(budgetBytes)} budget: raise CONVLAB_CACHE_BUDGET_MB, use fewer images ` +
      `(trainLimit) or a smaller inputSize`,
  );
}

export function createActivationCache(
  count: number,
  shape: number[],
  precision: CachePrecision,
): ActivationCache {
  if (!Number.isInteger(count) || count < 0) throw new Error(`cache: bad row count ${count}`);
  const width = sizeOf(shape);
  const data =
    precision === 'float32' ? new Float32Array(count * width) : new Uint16Array(count * width);
  return { count, shape, width, precision, data };
}

/** Stores `values` (whole rows) starting at row `row`. */
export function writeRows(cache: ActivationCache, row: number, values: Float32Array): void {
  if (values.length % cache.width !== 0 || row * cache.width + values.length > cache.data.length)
    throw new Error('cache: rows out of range');
  if (cache.data instanceof Float32Array) cache.data.set(values, row * cache.width);
  else encodeFloat16(values, cache.data, row * cache.width);
}

/** The listed rows as one float32 tensor [indices.length, ...shape]. */
export function gatherRows(cache: ActivationCache, indices: ArrayLike<number>): tf.Tensor {
  const { width, data } = cache;
  const out = new Float32Array(indices.length * width);
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k]!;
    if (!(row >= 0 && row < cache.count)) throw new Error(`cache: row ${row} out of range`);
    if (data instanceof Float32Array)
      out.set(data.subarray(row * width, (row + 1) * width), k * width);
    else
      decodeFloat16(
        data.subarray(row * width, (row + 1) * width),
        out.subarray(k * width, (k + 1) * width),
      );
  }
  return tf.tensor(out, [indices.length, ...cache.shape]);
}
