/**
 * A user's image folder: `root/<class>/*.{png,jpg,jpeg}`, or `root/train/<class>` + `root/test/<class>`.
 * Decoded in JS (pngjs, jpeg-js), flattened to RGB (alpha composited over white), resized bilinearly to
 * a square size. Unreadable files are skipped and counted; class names are the sorted folder names.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { resizeBilinear } from './image-ops.ts';
import type { RawDataset } from './load-dataset.ts';
import { deriveSeed, mulberry32 } from './random.ts';
import { stratifiedSelect, subsetImageSet } from './split.ts';
import type { ImageSet } from './types.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Share of the images held out for testing when the folder has no train/test split of its own. */
export const FOLDER_TEST_FRACTION = 0.2;

export interface ImageFolderOptions {
  /** Square side every image is resized to. */
  size: number;
  /** Seeds the carved test split. */
  seed: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA bytes, row-major. */
  rgba: Uint8Array;
}

/** Decode a PNG or JPEG by its signature bytes; throws on anything else. */
export function decodeImage(bytes: Buffer): DecodedImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: png.data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxMemoryUsageInMB: 256,
    });
    return { width: image.width, height: image.height, rgba: image.data };
  }
  throw new Error('not a PNG or JPEG file');
}

/** RGBA → RGB, compositing transparent pixels over white. */
export function rgbaToRgb({ width, height, rgba }: DecodedImage): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const alpha = (rgba[p * 4 + 3] ?? 255) / 255;
    for (let c = 0; c < 3; c++) {
      rgb[p * 3 + c] = Math.round((rgba[p * 4 + c] ?? 0) * alpha + 255 * (1 - alpha));
    }
  }
  return rgb;
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()),
    )
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

/** Decode every image under `dir/<class>/` for the given classes. */
async function loadSplit(
  dir: string,
  classNames: string[],
  size: number,
): Promise<{ set: ImageSet; skipped: number }> {
  const imageBytes = size * size * 3;
  const chunks: Uint8Array[] = [];
  const labels: number[] = [];
  let skipped = 0;
  for (const [label, className] of classNames.entries()) {
    const classDir = path.join(dir, className);
    const files = existsSync(classDir) ? await listImages(classDir) : [];
    let loaded = 0;
    for (const file of files) {
      try {
        const decoded = decodeImage(await readFile(file));
        if (decoded.width < 1 || decoded.height < 1) throw new Error('empty image');
        const rgb = rgbaToRgb(decoded);
        chunks.push(
          resizeBilinear(
            rgb,
            { height: decoded.height, width: decoded.width, channels: 3 },
            size,
            size,
          ),
        );
        labels.push(label);
        loaded++;
      } catch {
        skipped++;
      }
    }
    if (loaded === 0) {
      throw new Error(
        `class folder ${classDir} has no readable images (.png, .jpg, .jpeg)` +
          (files.length > 0 ? `: all ${files.length} failed to decode` : ''),
      );
    }
  }
  const images = new Uint8Array(labels.length * imageBytes);
  chunks.forEach((chunk, i) => images.set(chunk, i * imageBytes));
  return {
    set: {
      images,
      labels: Uint8Array.from(labels),
      count: labels.length,
      height: size,
      width: size,
      channels: 3,
      numClasses: classNames.length,
    },
    skipped,
  };
}

function checkClasses(classNames: string[], dir: string): void {
  if (classNames.length < 2) {
    throw new Error(
      `${dir} needs at least 2 class folders (root/<class>/*.png), found ${classNames.length}` +
        (classNames.length === 1 ? ` (${classNames[0]})` : ''),
    );
  }
  if (classNames.length > 256)
    throw new Error(`${dir} has ${classNames.length} classes; at most 256 are supported`);
}

export async function loadImageFolder(
  root: string,
  options: ImageFolderOptions,
): Promise<RawDataset> {
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error(`image folder ${root} does not exist or is not a folder`);
  const trainDir = path.join(root, 'train');
  const testDir = path.join(root, 'test');
  if (existsSync(trainDir) && existsSync(testDir)) {
    const classNames = await listDirs(trainDir);
    checkClasses(classNames, trainDir);
    const extra = (await listDirs(testDir)).filter((name) => !classNames.includes(name));
    if (extra.length > 0)
      throw new Error(`${testDir} has classes missing from ${trainDir}: ${extra.join(', ')}`);
    const train = await loadSplit(trainDir, classNames, options.size);
    const test = await loadSplit(testDir, classNames, options.size);
    return {
      classNames,
      train: train.set,
      test: test.set,
      skippedFiles: train.skipped + test.skipped,
    };
  }
  const classNames = await listDirs(root);
  checkClasses(classNames, root);
  const all = await loadSplit(root, classNames, options.size);
  const testCount = Math.round(all.set.count * FOLDER_TEST_FRACTION);
  if (testCount < 1 || testCount >= all.set.count) {
    throw new Error(`${root} has too few images (${all.set.count}) to carve a test split`);
  }
  const { selected, rest } = stratifiedSelect(
    all.set.labels,
    classNames.length,
    testCount,
    mulberry32(deriveSeed(options.seed, 'folder-test-split')),
  );
  return {
    classNames,
    train: subsetImageSet(all.set, rest),
    test: subsetImageSet(all.set, selected),
    skippedFiles: all.skipped,
  };
}
