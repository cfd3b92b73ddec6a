/**
 * CIFAR-10 in its official binary format (`cifar-10-batches-bin/`): each record is 1 label byte then the
 * 32×32 image as 1024 R, 1024 G, 1024 B bytes (CHW). Files are checked (size, then md5 against the
 * official values, cached) before use, so a truncated or corrupt download is refused, not trained on.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { replaceDatasetHint } from './dataset-hints.ts';
import { verifyMd5s } from './file-checksums.ts';
import type { RawDataset } from './types.ts';
import { NO_SKIPPED_FILES, type ImageSet } from './types.ts';

export const CIFAR10_BATCHES_DIR = 'cifar-10-batches-bin';
export const CIFAR10_TRAIN_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
] as const;
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_IMAGE_BYTES = 32 * 32 * 3;
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_IMAGE_BYTES;
export const CIFAR10_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

/** What the six files must be: records per file and md5 per file name. */
export interface Cifar10Expectations {
  recordsPerFile: number;
  md5: Record<string, string>;
}

export const OFFICIAL_CIFAR10: Cifar10Expectations = {
  recordsPerFile: 10000,
  md5: {
    'data_batch_1.bin': '5dd7e06a14cb22eb9f671a540d1b7c25',
    'data_batch_2.bin': '5ea93a67294ea407fff1d09f752e9692',
    'data_batch_3.bin': '942cd6a4bcdd0dd3c604fbe906cb4421',
    'data_batch_4.bin': 'ae636b3ba5c66a11e91e8cb52e771fcb',
    'data_batch_5.bin': '53f37980c15c3d472c316c40844f3f0d',
    'test_batch.bin': '803d5f7f4d78ea53de84dbe85f74fb6d',
  },
};

const FETCH_HINT = replaceDatasetHint('cifar10');

/** The folder holding the .bin files: `dir/cifar-10-batches-bin` or `dir` itself. */
export function cifar10BatchesDir(dir: string): string {
  const nested = path.join(dir, CIFAR10_BATCHES_DIR);
  if (existsSync(path.join(nested, CIFAR10_TEST_FILE))) return nested;
  if (existsSync(path.join(dir, CIFAR10_TEST_FILE))) return dir;
  throw new Error(
    `CIFAR-10 not found in ${dir}: run \`convlab data fetch cifar10\`, or put the official ` +
      `${CIFAR10_BATCHES_DIR}/ (data_batch_1..5.bin, test_batch.bin) there.`,
  );
}

/** Refuse missing, truncated or corrupt files (size first, then md5 unless cached as verified). */
export async function verifyCifar10Files(
  batchesDir: string,
  expected = OFFICIAL_CIFAR10,
): Promise<void> {
  const size = expected.recordsPerFile * CIFAR10_RECORD_BYTES;
  for (const name of Object.keys(expected.md5)) {
    const file = path.join(batchesDir, name);
    const actual = await stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (actual === null) throw new Error(`${file} is missing. ${FETCH_HINT}`);
    if (actual !== size) {
      throw new Error(
        `${file} is truncated or corrupt: ${actual} bytes, expected ${size}. ${FETCH_HINT}`,
      );
    }
  }
  await verifyMd5s(batchesDir, expected.md5, FETCH_HINT);
}

/** Decode binary records into an ImageSet (CHW → HWC). */
export function parseCifar10Records(buffers: Uint8Array[], numClasses = 10): ImageSet {
  const count = buffers.reduce((sum, b) => sum + b.length / CIFAR10_RECORD_BYTES, 0);
  if (!Number.isInteger(count)) throw new Error('CIFAR-10 data is not a whole number of records');
  const images = new Uint8Array(count * CIFAR10_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let i = 0;
  for (const buffer of buffers) {
    for (let r = 0; r < buffer.length; r += CIFAR10_RECORD_BYTES, i++) {
      const label = buffer[r] ?? 255;
      if (label >= numClasses)
        throw new Error(`CIFAR-10 record ${i} has label ${label}: the file is corrupt`);
      labels[i] = label;
      const out = i * CIFAR10_IMAGE_BYTES;
      for (let p = 0; p < 1024; p++) {
        images[out + p * 3] = buffer[r + 1 + p] ?? 0;
        images[out + p * 3 + 1] = buffer[r + 1 + 1024 + p] ?? 0;
        images[out + p * 3 + 2] = buffer[r + 1 + 2048 + p] ?? 0;
      }
    }
  }
  return { images, labels, count, height: 32, width: 32, channels: 3, numClasses };
}

/** Encode one HWC RGB 32×32 image and its label as a binary record into `out` at `offset`. */
export function writeCifar10Record(
  out: Uint8Array,
  offset: number,
  label: number,
  rgb: ArrayLike<number>,
  rgbStride = 3,
): void {
  out[offset] = label;
  for (let p = 0; p < 1024; p++) {
    out[offset + 1 + p] = rgb[p * rgbStride] ?? 0;
    out[offset + 1 + 1024 + p] = rgb[p * rgbStride + 1] ?? 0;
    out[offset + 1 + 2048 + p] = rgb[p * rgbStride + 2] ?? 0;
  }
}

async function readClassNames(batchesDir: string): Promise<string[]> {
  try {
    const names = (await readFile(path.join(batchesDir, 'batches.meta.txt'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    if (names.length === 10) return names;
  } catch {
    // No meta file (e.g. rebuilt offline): the standard names, in label order.
  }
  return [...CIFAR10_CLASS_NAMES];
}

/**
 * Load CIFAR-10 from `dir` (holding cifar-10-batches-bin/, or the .bin files themselves). Verified
 * against the official md5s by default; tests pass their own expectations for tiny files.
 */
export async function loadCifar10(dir: string, expected = OFFICIAL_CIFAR10): Promise<RawDataset> {
  const batchesDir = cifar10BatchesDir(dir);
  await verifyCifar10Files(batchesDir, expected);
  const train = parseCifar10Records(
    await Promise.all(CIFAR10_TRAIN_FILES.map((name) => readFile(path.join(batchesDir, name)))),
  );
  const test = parseCifar10Records([await readFile(path.join(batchesDir, CIFAR10_TEST_FILE))]);
  return {
    classNames: await readClassNames(batchesDir),
    train,
    test,
    skipped: NO_SKIPPED_FILES,
  };
}
