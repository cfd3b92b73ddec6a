/**
 * The test images a run was evaluated on, for the misclassified gallery and the confusion-matrix
 * drill-down. They are re-loaded with the run's own dataset options (same seed and limits → same
 * images in the same order, so the report's indices point at the right pictures) and kept in memory:
 * a few loaded test sets, least recently used dropped first.
 */
import { loadDataset, type ImageSet } from '@convlab/core';
import type { RunConfig } from '@convlab/core/schema';
import { PNG } from 'pngjs';

export interface TestSet {
  classNames: string[];
  images: ImageSet;
}

const MAX_CACHED_TEST_SETS = 3;
const cache = new Map<string, Promise<TestSet>>();

function cacheKey(config: RunConfig): string {
  return JSON.stringify([
    config.dataset,
    config.seed,
    config.validationSplit,
    config.trainLimit,
    config.testLimit,
    config.inputSize,
  ]);
}

/** The run's test set (loaded once, then served from memory). */
export function loadTestSet(config: RunConfig): Promise<TestSet> {
  const key = cacheKey(config);
  const cached = cache.get(key);
  if (cached) {
    // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const loading = loadDataset(config.dataset, {
    seed: config.seed,
    validationSplit: config.validationSplit,
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
    inputSize: config.inputSize,
  }).then(
    // Keep only what is shown; the training images can be garbage-collected.
    (dataset) => ({ classNames: dataset.classNames, images: dataset.test }),
  );
  loading.catch(() => cache.delete(key));
  cache.set(key, loading);
  while (cache.size > MAX_CACHED_TEST_SETS) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return loading;
}

/** One HWC uint8 image of the set as a PNG (grey images are expanded to RGB). */
export function encodeImagePng(set: ImageSet, index: number): Buffer {
  if (!Number.isInteger(index) || index < 0 || index >= set.count) {
    throw new RangeError(`image index ${index} is outside the test set (0–${set.count - 1})`);
  }
  const { width, height, channels } = set;
  const pixels = width * height;
  const offset = index * pixels * channels;
  const png = new PNG({ width, height, colorType: 6 });
  for (let p = 0; p < pixels; p += 1) {
    const source = offset + p * channels;
    const red = set.images[source] ?? 0;
    png.data[p * 4] = red;
    png.data[p * 4 + 1] = channels === 3 ? (set.images[source + 1] ?? 0) : red;
    png.data[p * 4 + 2] = channels === 3 ? (set.images[source + 2] ?? 0) : red;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}
