import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CIFAR10_CLASS_NAMES,
  CIFAR10_RECORD_BYTES,
  datasetsDir,
  loadCifar10,
  loadDataset,
  OFFICIAL_CIFAR10,
  VERIFIED_MARKER,
  type Cifar10Expectations,
} from '../../src/index.ts';
import { cifar10RecordsFromPng, fetchCifar10 } from '../../src/fetch.ts';

const FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
];
const RECORDS = 4;
let tmp: string;

/** Record r of file f: label (f + r) % 10; channel c of pixel p = (f*7 + r*13 + c*50 + p) mod 256. */
function tinyBatch(file: number): Buffer {
  const out = Buffer.alloc(RECORDS * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < RECORDS; r++) {
    const base = r * CIFAR10_RECORD_BYTES;
    out[base] = (file + r) % 10;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++)
        out[base + 1 + c * 1024 + p] = (file * 7 + r * 13 + c * 50 + p) % 256;
    }
  }
  return out;
}

async function writeTinyCifar(dir: string): Promise<Cifar10Expectations> {
  const batches = path.join(dir, 'cifar-10-batches-bin');
  await mkdir(batches, { recursive: true });
  const md5: Record<string, string> = {};
  for (const [f, name] of FILES.entries()) {
    const bytes = tinyBatch(f);
    await writeFile(path.join(batches, name), bytes);
    md5[name] = createHash('md5').update(bytes).digest('hex');
  }
  return { recordsPerFile: RECORDS, md5 };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-cifar-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('CIFAR-10 binary format', () => {
  it('loads records and converts CHW to HWC', async () => {
    const dir = path.join(tmp, 'ok');
    const expected = await writeTinyCifar(dir);
    const data = await loadCifar10(dir, expected);
    expect(data.train).toMatchObject({
      count: 20,
      height: 32,
      width: 32,
      channels: 3,
      numClasses: 10,
    });
    expect(data.test.count).toBe(4);
    expect(data.classNames).toEqual(CIFAR10_CLASS_NAMES);
    // Train image 6 = file 1, record 2: label 3; HWC pixel p channel c.
    expect(data.train.labels[6]).toBe(3);
    const image = data.train.images.subarray(6 * 3072, 7 * 3072);
    for (const p of [0, 1, 500, 1023]) {
      for (let c = 0; c < 3; c++) expect(image[p * 3 + c]).toBe((7 + 26 + c * 50 + p) % 256);
    }
    expect(existsSync(path.join(dir, 'cifar-10-batches-bin', VERIFIED_MARKER))).toBe(true);
  });

  it('reads class names from batches.meta.txt', async () => {
    const dir = path.join(tmp, 'meta');
    const expected = await writeTinyCifar(dir);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    await writeFile(
      path.join(dir, 'cifar-10-batches-bin', 'batches.meta.txt'),
      names.join('\n') + '\n\n',
    );
    expect((await loadCifar10(dir, expected)).classNames).toEqual(names);
  });

  it('refuses a tampered byte (md5), even after a verified load, once the file changed', async () => {
    const dir = path.join(tmp, 'tampered');
    const expected = await writeTinyCifar(dir);
    await loadCifar10(dir, expected); // verified and cached
    const file = path.join(dir, 'cifar-10-batches-bin', 'data_batch_3.bin');
    const bytes = await readFile(file);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await writeFile(file, bytes);
    await utimes(file, new Date(), new Date(Date.now() + 5000)); // mtime surely differs from the marker
    await expect(loadCifar10(dir, expected)).rejects.toThrow(/data_batch_3\.bin is corrupt: md5/);
    // Still refused the next time (the marker no longer vouches for it).
    await expect(loadCifar10(dir, expected)).rejects.toThrow(/corrupt/);
  });

  it('refuses truncated files and wrong sizes for the official format', async () => {
    const dir = path.join(tmp, 'truncated');
    const expected = await writeTinyCifar(dir);
    const file = path.join(dir, 'cifar-10-batches-bin', 'test_batch.bin');
    await writeFile(file, (await readFile(file)).subarray(0, 5000));
    await expect(loadCifar10(dir, expected)).rejects.toThrow(
      /test_batch\.bin is truncated or corrupt: 5000 bytes, expected 12292/,
    );
    // Tiny files are not the official dataset: sizes are checked before any hashing.
    await expect(loadCifar10(path.join(tmp, 'ok'), OFFICIAL_CIFAR10)).rejects.toThrow(
      /expected 30730000/,
    );
  });

  it('says how to get the data when it is missing', async () => {
    await expect(
      loadDataset('cifar10', { seed: 1, dataDir: path.join(tmp, 'nothing') }),
    ).rejects.toThrow(/convlab data fetch cifar10/);
  });

  it('rebuilds binary records from the npm PNG layout (one image per row)', () => {
    const png = new PNG({ width: 1024, height: 2 });
    for (let row = 0; row < 2; row++) {
      for (let p = 0; p < 1024; p++) {
        const o = (row * 1024 + p) * 4;
        png.data[o] = p % 256;
        png.data[o + 1] = (p + row) % 256;
        png.data[o + 2] = 255 - (p % 256);
        png.data[o + 3] = 255;
      }
    }
    const records = cifar10RecordsFromPng(PNG.sync.write(png), [3, 7]);
    expect(records.length).toBe(2 * CIFAR10_RECORD_BYTES);
    expect(records[0]).toBe(3);
    expect(records[CIFAR10_RECORD_BYTES]).toBe(7);
    expect(records[1 + 300]).toBe(300 % 256); // R of pixel 300
    expect(records[CIFAR10_RECORD_BYTES + 1 + 1024 + 5]).toBe(6); // G of pixel 5, row 1
    expect(records[1 + 2048 + 10]).toBe(245); // B of pixel 10
    expect(() => cifar10RecordsFromPng(PNG.sync.write(png), [1, 2, 3])).toThrow(/expected 1024×3/);
  });
});

// The real dataset, when `convlab data fetch cifar10` has put it in the default data folder.
const realDir = path.join(datasetsDir(), 'cifar10');
describe.skipIf(!existsSync(path.join(realDir, 'cifar-10-batches-bin', 'test_batch.bin')))(
  'real CIFAR-10',
  () => {
    it('fetchCifar10 sees the verified files and does nothing', async () => {
      const result = await fetchCifar10({ dataDir: datasetsDir() });
      expect(result.source).toBe('present');
    });

    it('loads the verified official files with a stratified validation split', async () => {
      const data = await loadDataset('cifar10', {
        seed: 42,
        validationSplit: 0.1,
        testLimit: 1000,
      });
      expect([data.train.count, data.val.count, data.test.count]).toEqual([45000, 5000, 1000]);
      const perClass = new Array<number>(10).fill(0);
      for (const label of data.val.labels) perClass[label]! += 1;
      expect(perClass).toEqual(new Array(10).fill(500));
      expect(data.classNames).toEqual(CIFAR10_CLASS_NAMES);
    }, 60_000);
  },
);
