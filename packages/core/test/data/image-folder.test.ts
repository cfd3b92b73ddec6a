import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFolderDataset,
  DEFAULT_IMAGE_LIMITS,
  loadDataset,
  loadImageFolder,
  readImageHeader,
  type LoadDatasetOptions,
} from '../../src/index.ts';

let tmp: string;
/** Folder datasets of these tests live under tmp, their dataset root. */
const inTmp = (): LoadDatasetOptions['policy'] => ({
  datasetRoots: [tmp],
  images: DEFAULT_IMAGE_LIMITS,
});

/** A PNG whose header claims width × height but whose pixel data is a few bytes (a decompression bomb). */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function png(
  width: number,
  height: number,
  rgba: [number, number, number, number],
  colorType: 0 | 2 | 4 | 6 = 6,
): Buffer {
  const image = new PNG({ width, height, colorType, inputColorType: 6, inputHasAlpha: true });
  for (let p = 0; p < width * height; p++) image.data.set(rgba, p * 4);
  return PNG.sync.write(image, { colorType, inputColorType: 6, inputHasAlpha: true });
}

function jpg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ data, width, height }, 95).data;
}

/** Writes `count` images per class into dir/<class>/ (PNG for even, JPEG for odd). */
async function writeClasses(
  dir: string,
  classes: Record<string, [number, number, number]>,
  count: number,
): Promise<void> {
  for (const [name, colour] of Object.entries(classes)) {
    await mkdir(path.join(dir, name), { recursive: true });
    for (let i = 0; i < count; i++) {
      const file = path.join(dir, name, `img${i}.${i % 2 === 0 ? 'png' : 'jpg'}`);
      await writeFile(
        file,
        i % 2 === 0 ? png(40 + i, 20, [...colour, 255]) : jpg(24, 30 + i, colour),
      );
    }
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-folder-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('image folders', () => {
  it('decodes PNG/JPEG (grayscale, alpha), resizes, skips corrupt files and carves a stratified test split', async () => {
    const root = path.join(tmp, 'flat');
    await writeClasses(
      root,
      { zebra: [250, 10, 10], apple: [10, 250, 10], mango: [10, 10, 250] },
      10,
    );
    await writeFile(path.join(root, 'apple', 'broken.png'), Buffer.from('not a png at all'));
    await writeFile(path.join(root, 'apple', 'cut.jpg'), jpg(16, 16, [1, 2, 3]).subarray(0, 40));
    await writeFile(path.join(root, 'apple', 'notes.txt'), 'ignored: not an image extension');
    await writeFile(path.join(root, 'mango', 'gray.png'), png(8, 8, [100, 100, 100, 255], 0));
    await writeFile(path.join(root, 'mango', 'clear.png'), png(8, 8, [0, 0, 0, 0], 6));

    const data = await loadDataset(`folder:${root}`, {
      seed: 1,
      validationSplit: 0.25,
      inputSize: 16,
      policy: inTmp(),
    });
    expect(data.classNames).toEqual(['apple', 'mango', 'zebra']);
    expect(data.skipped.count).toBe(2);
    expect(data.skipped.byKind).toEqual({ 'not-an-image': 1, corrupt: 1 });
    expect(data.skipped.examples.map((e) => e.file).sort()).toEqual([
      path.join('apple', 'broken.png'),
      path.join('apple', 'cut.jpg'),
    ]);
    // Each image remembers its file (relative to the folder), so one image can be re-read later.
    expect(data.test.sources).toHaveLength(data.test.count);
    expect(data.test.sources?.every((f) => !path.isAbsolute(f) && /\.(png|jpg)$/.test(f))).toBe(
      true,
    );
    const total = data.train.count + data.val.count + data.test.count;
    expect(total).toBe(32);
    expect(data.test.count).toBe(6); // 20%
    expect(data.train).toMatchObject({ height: 16, width: 16, channels: 3, numClasses: 3 });
    const testPerClass = [0, 0, 0];
    for (const label of data.test.labels) testPerClass[label]! += 1;
    testPerClass.forEach((n) => expect(n).toBeGreaterThanOrEqual(1));

    // Colours survive decoding and resizing (JPEG is lossy: allow a little).
    const all = await loadImageFolder(root, { size: 8, seed: 1 });
    const sets = [all.train, all.test];
    const pixelsOf = (label: number) =>
      sets.flatMap((set) =>
        Array.from(set.labels.entries())
          .filter(([, l]) => l === label)
          .map(([i]) => Array.from(set.images.subarray(i * 192, i * 192 + 3))),
      );
    const zebra = pixelsOf(2);
    expect(zebra).toHaveLength(10);
    for (const [r, g, b] of zebra) {
      expect(r).toBeGreaterThan(235);
      expect(g).toBeLessThan(25);
      expect(b).toBeLessThan(25);
    }
    const mango = pixelsOf(1).map((p) => p.join());
    expect(mango).toContain('100,100,100'); // grayscale PNG → RGB
    expect(mango).toContain('255,255,255'); // fully transparent → white
  });

  it('uses train/ and test/ folders when present', async () => {
    const root = path.join(tmp, 'presplit');
    await writeClasses(path.join(root, 'train'), { cat: [200, 100, 0], dog: [0, 100, 200] }, 6);
    await writeClasses(path.join(root, 'test'), { cat: [200, 100, 0], dog: [0, 100, 200] }, 2);
    const data = await loadDataset(`folder:${root}`, {
      seed: 1,
      validationSplit: 0.5,
      policy: inTmp(),
    });
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(data.test.count).toBe(4);
    expect(data.train.count + data.val.count).toBe(12);
    expect(data.val.count).toBe(6);
    expect(data.train).toMatchObject({ height: 32, width: 32 });
  });

  it('explains empty classes, single classes and missing folders', async () => {
    const empty = path.join(tmp, 'empty');
    await writeClasses(empty, { a: [1, 2, 3] }, 3);
    await mkdir(path.join(empty, 'b'));
    await expect(loadImageFolder(empty, { size: 8, seed: 1 })).rejects.toThrow(
      /class folder .*b has no readable images/,
    );

    const single = path.join(tmp, 'single');
    await writeClasses(single, { only: [1, 2, 3] }, 3);
    await expect(loadImageFolder(single, { size: 8, seed: 1 })).rejects.toThrow(
      /needs at least 2 class folders.*found 1 \(only\)/,
    );

    await expect(loadImageFolder(path.join(tmp, 'nope'), { size: 8, seed: 1 })).rejects.toThrow(
      /does not exist/,
    );
  });

  it('refuses a decompression bomb from its header, fast and without the memory', async () => {
    const root = path.join(tmp, 'bomb');
    await writeClasses(root, { a: [10, 20, 30], b: [30, 20, 10] }, 5);
    const bomb = bombPng(20000, 20000);
    expect(bomb.length).toBeLessThan(400);
    expect(readImageHeader(bomb)).toEqual({ format: 'png', width: 20000, height: 20000 });
    await writeFile(path.join(root, 'a', 'bomb.png'), bomb);
    const noise = Buffer.alloc(96 * 96 * 4);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const big = jpeg.encode({ data: noise, width: 96, height: 96 }, 95).data;
    expect(big.length).toBeGreaterThan(4000);
    await writeFile(path.join(root, 'b', 'big.jpg'), big);
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    const data = await loadDataset(`folder:${root}`, {
      seed: 1,
      validationSplit: 0.25,
      inputSize: 8,
      policy: { datasetRoots: [tmp], images: { maxPixels: 4096 * 4096, maxBytes: 4000 } },
    });
    const ms = performance.now() - started;
    console.log(
      `bomb refused: ${ms.toFixed(1)} ms, rss +${((process.memoryUsage().rss - rss) / 2 ** 20).toFixed(1)} MB`,
    );
    expect(ms).toBeLessThan(100 + 10 * 5); // the bomb itself is refused from 24 header bytes
    expect(process.memoryUsage().rss - rss).toBeLessThan(50 * 2 ** 20);
    expect(data.skipped.byKind).toEqual({ 'too-many-pixels': 1, 'file-too-large': 1 });
    const reasons = data.skipped.examples.map((e) => `${e.file}: ${e.reason}`).join('\n');
    expect(reasons).toMatch(/bomb\.png: image too large: 20000×20000 pixels/);
    expect(reasons).toMatch(/big\.jpg: file too large/);
  });

  it('keeps folder datasets inside the dataset roots', async () => {
    const root = path.join(tmp, 'rooted');
    await writeClasses(root, { a: [1, 1, 1], b: [2, 2, 2] }, 3);
    const roots = [path.join(tmp, 'rooted')];
    expect(await checkFolderDataset(`folder:${root}`, roots)).toEqual(['a', 'b']);
    expect(await checkFolderDataset('folder:.', roots)).toEqual(['a', 'b']); // relative to the first root
    for (const outside of ['folder:/etc', 'folder:/', 'folder:../..', `folder:${root}/../bomb`]) {
      await expect(checkFolderDataset(outside, roots)).rejects.toThrow(/inside a dataset root/);
    }
    // A symlink that leads out of the root is followed, and refused.
    await symlink(path.join(tmp, 'bomb'), path.join(root, 'escape'));
    await expect(checkFolderDataset('folder:escape', roots)).rejects.toThrow(
      /inside a dataset root/,
    );
    // Inside a dataset, symlinked class folders are ignored: still 2 classes.
    expect(await checkFolderDataset(`folder:${root}`, roots)).toEqual(['a', 'b']);
    await expect(checkFolderDataset('folder:nope', roots)).rejects.toThrow(/does not exist/);
    await expect(checkFolderDataset('folder:a', roots)).rejects.toThrow(/at least 2 class folders/);
    // The errors never name a server path.
    const error = await checkFolderDataset('folder:/etc', roots).catch((e: Error) => e);
    expect(String(error)).not.toMatch(/\/etc|\/tmp/);
  });
});
