/** Small IDX (MNIST-format) files for tests, and a sources file vouching for their checksums. */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export function idxImages(
  count: number,
  rows: number,
  cols: number,
  pixel: (i: number, p: number) => number,
): Buffer {
  const out = Buffer.alloc(16 + count * rows * cols);
  out.writeUInt32BE(2051, 0);
  out.writeUInt32BE(count, 4);
  out.writeUInt32BE(rows, 8);
  out.writeUInt32BE(cols, 12);
  for (let i = 0; i < count; i++)
    for (let p = 0; p < rows * cols; p++) out[16 + i * rows * cols + p] = pixel(i, p);
  return out;
}

export function idxLabels(labels: number[]): Buffer {
  const out = Buffer.alloc(8 + labels.length);
  out.writeUInt32BE(2049, 0);
  out.writeUInt32BE(labels.length, 4);
  labels.forEach((label, i) => (out[8 + i] = label));
  return out;
}

/** The four decompressed files of a learnable MNIST-shaped set (class c: a bar at row 2c + 4). */
export function idxContents(train: number, test: number): Record<string, Buffer> {
  const bar = (label: (i: number) => number) => (i: number, p: number) =>
    Math.floor(p / 28) === 2 * label(i) + 4 && p % 28 >= 4 && p % 28 < 24 ? 255 : (i * 7 + p) % 31;
  const label = (i: number) => i % 10;
  const labels = (count: number) => Array.from({ length: count }, (_, i) => label(i));
  return {
    'train-images-idx3-ubyte': idxImages(train, 28, 28, bar(label)),
    'train-labels-idx1-ubyte': idxLabels(labels(train)),
    't10k-images-idx3-ubyte': idxImages(test, 28, 28, bar(label)),
    't10k-labels-idx1-ubyte': idxLabels(labels(test)),
  };
}

/**
 * Writes `contents` gzipped at `level` into `dir`; returns the md5 of each .gz and the sha256 of each
 * file's contents (what a CONVLAB_DATASET_SOURCES entry vouches for).
 */
export async function writeGzippedIdx(
  dir: string,
  contents: Record<string, Buffer>,
  level = 9,
): Promise<{ md5: Record<string, string>; sha256: Record<string, string> }> {
  await mkdir(dir, { recursive: true });
  const md5: Record<string, string> = {};
  const sha256: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(contents)) {
    const gz = gzipSync(bytes, { level });
    await writeFile(path.join(dir, `${name}.gz`), gz);
    md5[`${name}.gz`] = createHash('md5').update(gz).digest('hex');
    sha256[name] = createHash('sha256').update(bytes).digest('hex');
  }
  return { md5, sha256 };
}

/** A sources file for `name` with those checksums (mirror: a closed loopback port). */
export async function writeSources(
  file: string,
  name: 'mnist' | 'fashion-mnist',
  checksums: { md5: Record<string, string>; sha256?: Record<string, string> },
): Promise<string> {
  await writeFile(
    file,
    JSON.stringify({ [name]: { mirrors: ['http://127.0.0.1:9/'], ...checksums } }),
  );
  return file;
}
