/**
 * The test images a run was evaluated on, for the misclassified gallery and the confusion-matrix
 * drill-down.
 * - Built-in datasets are re-loaded with the run's own dataset options (same seed and limits → same
 *   images in the same order, so the report's indices point at the right pictures) and kept in memory:
 *   a few loaded test sets, least recently used dropped first.
 * - Image folders are never loaded whole: report.json names each test image's file, and a request
 *   decodes that one file (size limits first, see core's image-decode.ts) into a bounded cache of PNGs.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import {
  datasetOptionsFromConfig,
  DecodePoolBusy,
  encodeImagePng,
  loadDataset,
  loadFolderImage,
  resolveFolderDataset,
  type ImageSet,
} from '@convlab/core';
import type { DataPolicy } from '@convlab/core/policy';
import type { RunConfig } from '@convlab/core/contracts';
import { decodePool } from './decode-pool.ts';
import { LruCache } from './lru-cache.ts';
import { readStoredTestSources } from './report-extras.ts';

export interface TestSet {
  classNames: string[];
  images: ImageSet;
}

const MAX_CACHED_TEST_SETS = 3;
const cache = new LruCache<string, Promise<TestSet>>(MAX_CACHED_TEST_SETS);

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

/** The test set of a run on a built-in dataset (loaded once, then served from memory). */
export function loadTestSet(config: RunConfig): Promise<TestSet> {
  if (config.dataset.startsWith('folder:'))
    throw new Error('image folders are served one image at a time (folderTestImagePng)');
  const key = cacheKey(config);
  const cached = cache.get(key);
  if (cached) return cached;
  const loading = loadDataset(config.dataset, datasetOptionsFromConfig(config)).then(
    // Keep only what is shown; the training images can be garbage-collected.
    (dataset) => ({ classNames: dataset.classNames, images: dataset.test }),
  );
  loading.catch(() => cache.delete(key));
  cache.set(key, loading);
  return loading;
}

/** Why a test image cannot be shown, in words fit for any reader (no server paths). */
export class TestImageUnavailable extends Error {
  override name = 'TestImageUnavailable';
  constructor(
    readonly status: 404 | 409 | 503,
    message: string,
  ) {
    super(message);
  }
}

const MAX_CACHED_IMAGES = 256;
const imageCache = new LruCache<string, Buffer>(MAX_CACHED_IMAGES);

/**
 * Test image `index` of a run on an image folder, as training saw it (inputSize² RGB bytes): its one
 * file, resolved inside the dataset root, never through a symlink, decoded within the image limits.
 */
async function folderTestImagePixels(
  runId: string,
  config: RunConfig,
  index: number,
  policy: Pick<DataPolicy, 'datasetRoots' | 'images'>,
): Promise<Uint8Array> {
  const sources = await readStoredTestSources(runId);
  if (!sources)
    throw new TestImageUnavailable(404, 'the test images are listed once the run completes');
  const source = sources[index];
  if (source === undefined)
    throw new TestImageUnavailable(
      404,
      `the test set has ${sources.length} images; no image ${index}`,
    );
  let root: string;
  try {
    root = await resolveFolderDataset(config.dataset, policy.datasetRoots);
  } catch {
    throw new TestImageUnavailable(409, "the run's image folder is no longer available");
  }
  const file = path.resolve(root, source);
  const info = await lstat(file).catch(() => null);
  const real = info?.isFile() ? await realpath(file).catch(() => null) : null;
  if (!real || !real.startsWith(root + path.sep))
    throw new TestImageUnavailable(409, 'this test image is no longer available');
  try {
    // Decoded in a worker thread: a costly file must not stall the server's other requests.
    return await loadFolderImage(real, config.inputSize, policy.images, decodePool.decode);
  } catch (error) {
    if (error instanceof DecodePoolBusy)
      throw new TestImageUnavailable(503, 'the server is busy decoding images; try again');
    throw new TestImageUnavailable(409, 'this test image can no longer be decoded');
  }
}

/** Test image `index` of a run on an image folder, as a PNG (cached). */
export async function folderTestImagePng(
  runId: string,
  config: RunConfig,
  index: number,
  policy: Pick<DataPolicy, 'datasetRoots' | 'images'>,
): Promise<Buffer> {
  const key = `${runId}/${index}`;
  const cached = imageCache.get(key);
  if (cached) return cached;
  const pixels = await folderTestImagePixels(runId, config, index, policy);
  const set: ImageSet = {
    images: pixels,
    labels: new Uint8Array(1),
    count: 1,
    height: config.inputSize,
    width: config.inputSize,
    channels: 3,
    numClasses: 1,
  };
  const png = encodeImagePng(set, 0);
  imageCache.set(key, png);
  return png;
}

export interface PickedTestImage {
  index: number;
  /** True class, or null when the run did not record its test labels. */
  label: number | null;
  /** The image as the dataset stores it (what predict takes). */
  pixels: Uint8Array;
}

/** `count` distinct random indices out of `total` (all of them when count ≥ total). */
function randomIndices(total: number, count: number): number[] {
  const indices = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < Math.min(count, total); i++) {
    const j = i + Math.floor(Math.random() * (total - i));
    [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
  }
  return indices.slice(0, Math.min(count, total));
}

/** Test image `index` of a run as its dataset stores it (what the model's input is made from). */
export async function testImagePixels(
  runId: string,
  config: RunConfig,
  index: number,
  policy: Pick<DataPolicy, 'datasetRoots' | 'images'>,
): Promise<Uint8Array> {
  if (config.dataset.startsWith('folder:'))
    return folderTestImagePixels(runId, config, index, policy);
  const { images } = await loadTestSet(config);
  if (index >= images.count)
    throw new TestImageUnavailable(
      404,
      `the test set has ${images.count} images; no image ${index}`,
    );
  return storedImageAt(images, index);
}

function storedImageAt(set: ImageSet, index: number): Uint8Array {
  const bytes = set.height * set.width * set.channels;
  return set.images.slice(index * bytes, (index + 1) * bytes);
}

/** A few random test images of a run, with their true labels, for the Predict panel. */
export async function testImagesForPrediction(
  runId: string,
  config: RunConfig,
  testLabels: number[] | null,
  count: number,
  policy: Pick<DataPolicy, 'datasetRoots' | 'images'>,
): Promise<PickedTestImage[]> {
  if (config.dataset.startsWith('folder:')) {
    const sources = await readStoredTestSources(runId);
    if (!sources || sources.length === 0)
      throw new TestImageUnavailable(404, 'the run did not record its test images');
    return Promise.all(
      randomIndices(sources.length, count).map(async (index) => ({
        index,
        label: testLabels?.[index] ?? null,
        pixels: await folderTestImagePixels(runId, config, index, policy),
      })),
    );
  }
  const { images } = await loadTestSet(config);
  return randomIndices(images.count, count).map((index) => ({
    index,
    label: images.labels[index] ?? null,
    pixels: storedImageAt(images, index),
  }));
}
