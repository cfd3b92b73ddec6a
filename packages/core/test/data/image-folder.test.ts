import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, loadImageFolder } from '../../src/index.ts';

let tmp: string;

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
    });
    expect(data.classNames).toEqual(['apple', 'mango', 'zebra']);
    expect(data.skippedFiles).toBe(2);
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
    const data = await loadDataset(`folder:${root}`, { seed: 1, validationSplit: 0.5 });
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
});
