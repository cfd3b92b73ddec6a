import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  grayscaleToRgb,
  loadDataset,
  loadIdxPair,
  makeBatch,
  MNIST_CLASS_NAMES,
  parseIdxImages,
} from '../../src/index.ts';
import { idxImages, idxLabels, writeSources } from '../../src/testing/idx-fixture.ts';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-idx-test-'));
  await tf.setBackend('cpu');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(tmp, { recursive: true, force: true });
});

describe('IDX (MNIST format)', () => {
  it('loads gzipped and plain files as a grayscale dataset via loadDataset', async () => {
    const dir = path.join(tmp, 'mnist');
    await mkdir(dir, { recursive: true });
    const trainLabels = Array.from({ length: 100 }, (_, i) => i % 10);
    const testLabels = Array.from({ length: 20 }, (_, i) => (i * 3) % 10);
    await writeFile(
      path.join(dir, 'train-images-idx3-ubyte.gz'),
      gzipSync(idxImages(100, 28, 28, (i, p) => (i + p) % 256)),
    );
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels(trainLabels)));
    await writeFile(
      path.join(dir, 't10k-images-idx3-ubyte'),
      idxImages(20, 28, 28, (i) => i * 10),
    );
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), idxLabels(testLabels));
    // Not the official MNIST: a sources file vouches for these contents (the loader checks them).
    const contents = {
      'train-images-idx3-ubyte': idxImages(100, 28, 28, (i, p) => (i + p) % 256),
      'train-labels-idx1-ubyte': idxLabels(trainLabels),
      't10k-images-idx3-ubyte': idxImages(20, 28, 28, (i) => i * 10),
      't10k-labels-idx1-ubyte': idxLabels(testLabels),
    };
    const sha256 = Object.fromEntries(
      Object.entries(contents).map(([name, bytes]) => [
        name,
        createHash('sha256').update(bytes).digest('hex'),
      ]),
    );
    const md5 = Object.fromEntries(Object.keys(contents).map((name) => [`${name}.gz`, '0'.repeat(32)]));
    vi.stubEnv(
      'CONVLAB_DATASET_SOURCES',
      await writeSources(path.join(tmp, 'sources.json'), 'mnist', { md5, sha256 }),
    );

    const data = await loadDataset('mnist', { seed: 3, validationSplit: 0.2, dataDir: tmp });
    expect(data.classNames).toEqual(MNIST_CLASS_NAMES);
    expect(data.train).toMatchObject({
      count: 80,
      height: 28,
      width: 28,
      channels: 1,
      numClasses: 10,
    });
    expect(data.val.count).toBe(20);
    expect(data.test.count).toBe(20);
    expect(Array.from(data.test.labels)).toEqual(testLabels);
    expect(data.test.images[5 * 784]).toBe(50);

    // A 3-channel model gets the gray value in all three channels.
    const batch = makeBatch(data.test, [5], { inputSize: 28, scaling: 'unit', channels: 3 });
    expect(batch.xs.shape).toEqual([1, 28, 28, 3]);
    expect(Array.from(batch.xs.dataSync().slice(0, 3))).toEqual(
      [50 / 255, 50 / 255, 50 / 255].map(Math.fround),
    );
    tf.dispose([batch.xs, batch.ys]);
    const rgb = grayscaleToRgb(data.test);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.images.subarray(5 * 784 * 3, 5 * 784 * 3 + 3))).toEqual([50, 50, 50]);
  });

  it('refuses bad magic numbers, truncation and count mismatches', async () => {
    const bad = idxImages(2, 4, 4, () => 1);
    bad.writeUInt32BE(2049, 0);
    expect(() => parseIdxImages(bad, 'x')).toThrow(/magic number 2049, expected 2051/);
    expect(() => parseIdxImages(idxImages(2, 4, 4, () => 1).subarray(0, 30), 'x')).toThrow(
      /truncated/,
    );
    const images = path.join(tmp, 'imgs');
    const labels = path.join(tmp, 'labels');
    await writeFile(
      images,
      idxImages(3, 4, 4, () => 1),
    );
    await writeFile(labels, idxLabels([1, 2]));
    await expect(loadIdxPair(images, labels)).rejects.toThrow(/2 labels for 3 images/);
  });

  it('names the files to put there when they are missing', async () => {
    await expect(loadDataset('fashion-mnist', { seed: 1, dataDir: tmp })).rejects.toThrow(
      /fashion-mnist is missing files in .*fashion-mnist: put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte there/,
    );
  });
});
