/**
 * The IDX format of MNIST and Fashion-MNIST: big-endian header (magic 2051 for images with count, rows,
 * cols; 2049 for labels with count) then raw bytes. Files may be gzipped (`.gz`). Images are grayscale
 * (1 channel); `makeBatch` replicates them to RGB for models that need 3 channels.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { RawDataset } from './types.ts';
import { NO_SKIPPED_FILES, type ImageSet } from './types.ts';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The four files, by their official names (each may also be present with a .gz suffix). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * No IDX file convlab reads is larger (the official ones are at most 47 MB): a gzip bomb stops here
 * instead of taking the process's memory.
 */
export const IDX_MAX_BYTES = 64 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/** gzip's magic bytes (1f 8b) at the start: gzipped, whatever the file is called. */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A file's bytes, gunzipped (off the event loop, bounded) when it is gzipped whatever its name. */
export async function readIdxBytes(file: string, maxBytes = IDX_MAX_BYTES): Promise<Buffer> {
  // A gzipped file is smaller than what it holds, so nothing past the bound is read either way.
  if ((await stat(file)).size > maxBytes)
    throw new Error(`${file} is larger than ${maxBytes} bytes`);
  const bytes = await readFile(file);
  if (!hasGzipMagic(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError)
      throw new Error(`${file} decompresses to more than ${maxBytes} bytes; refusing it`);
    throw new Error(
      `${file} cannot be gunzipped: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function parseIdxImages(
  bytes: Uint8Array,
  source = 'IDX images',
): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  if (bytes.length < 16) throw new Error(`${source}: too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_IMAGES_MAGIC)
    throw new Error(`${source}: magic number ${magic}, expected ${IDX_IMAGES_MAGIC}`);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const expected = 16 + count * rows * cols;
  if (bytes.length !== expected)
    throw new Error(`${source}: ${bytes.length} bytes, expected ${expected} (truncated?)`);
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

export function parseIdxLabels(bytes: Uint8Array, source = 'IDX labels'): Uint8Array {
  if (bytes.length < 8) throw new Error(`${source}: too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== IDX_LABELS_MAGIC)
    throw new Error(`${source}: magic number ${magic}, expected ${IDX_LABELS_MAGIC}`);
  const count = view.getUint32(4);
  if (bytes.length !== 8 + count)
    throw new Error(`${source}: ${bytes.length} bytes, expected ${8 + count} (truncated?)`);
  return bytes.subarray(8);
}

/** The file the loader reads for official name `name`: plain first, else gzipped. */
export function findIdxFile(dir: string, name: string): string | null {
  for (const candidate of [name, `${name}.gz`]) {
    if (existsSync(path.join(dir, candidate))) return path.join(dir, candidate);
  }
  return null;
}

/** Read an images file and its labels file into an ImageSet (copies, so the file buffers can go). */
export async function loadIdxPair(
  imagesFile: string,
  labelsFile: string,
  numClasses = 10,
): Promise<ImageSet> {
  const images = parseIdxImages(await readIdxBytes(imagesFile), imagesFile);
  const labels = parseIdxLabels(await readIdxBytes(labelsFile), labelsFile);
  if (labels.length !== images.count) {
    throw new Error(
      `${labelsFile} has ${labels.length} labels for ${images.count} images in ${imagesFile}`,
    );
  }
  const bad = labels.findIndex((label) => label >= numClasses);
  if (bad >= 0)
    throw new Error(`${labelsFile}: label ${labels[bad]} at ${bad} is not below ${numClasses}`);
  return {
    images: Uint8Array.from(images.pixels),
    labels: Uint8Array.from(labels),
    count: images.count,
    height: images.rows,
    width: images.cols,
    channels: 1,
    numClasses,
  };
}

/** Load `mnist` or `fashion-mnist` from `dir` (the four official files, gzipped or not). */
export async function loadIdxDataset(
  name: 'mnist' | 'fashion-mnist',
  dir: string,
): Promise<RawDataset> {
  const files = Object.fromEntries(
    Object.entries(IDX_FILES).map(([key, file]) => [key, findIdxFile(dir, file)]),
  ) as Record<keyof typeof IDX_FILES, string | null>;
  const missing = Object.entries(files).filter(([, file]) => file === null);
  if (missing.length > 0) {
    const names = missing.map(([key]) => IDX_FILES[key as keyof typeof IDX_FILES]).join(', ');
    throw new Error(
      `${name} is missing files in ${dir}: put ${names} there (optionally .gz, as downloaded)`,
    );
  }
  const { trainImages, trainLabels, testImages, testLabels } = files as Record<
    keyof typeof IDX_FILES,
    string
  >;
  return {
    classNames: name === 'mnist' ? [...MNIST_CLASS_NAMES] : [...FASHION_MNIST_CLASS_NAMES],
    train: await loadIdxPair(trainImages, trainLabels),
    test: await loadIdxPair(testImages, testLabels),
    skipped: NO_SKIPPED_FILES,
  };
}

/** Replicate a grayscale set to 3 channels (for code that needs RGB bytes; makeBatch does it on the fly). */
export function grayscaleToRgb(set: ImageSet): ImageSet {
  if (set.channels === 3) return set;
  const pixels = set.count * set.height * set.width;
  const images = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const value = set.images[p] ?? 0;
    images[p * 3] = value;
    images[p * 3 + 1] = value;
    images[p * 3 + 2] = value;
  }
  return { ...set, images, channels: 3 };
}
