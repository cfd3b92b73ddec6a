/**
 * Checking an image folder before anyone trains on it: its layout (`<class>/*` or `train/` + `test/`),
 * its classes with their image counts, and the files that would be skipped (not an image, over the
 * size limits, or a header that does not parse), counted by reason with the first few named. Only
 * headers are read, so a folder of thousands of photos is checked in seconds; a file whose body is
 * damaged is still skipped (and reported) when a run decodes it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderClass, FolderScan } from '../config/folder-scan.ts';
import type { SkippedFiles } from '../config/report-file.ts';
import {
  checkImageFileSize,
  checkImageHeader,
  DEFAULT_IMAGE_LIMITS,
  ImageRejected,
  readImageHeader,
  type ImageLimits,
} from './image-decode.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const SKIPPED_EXAMPLES = 20;

async function dirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

async function imageFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
}

/** Throws ImageRejected when the file would be skipped by the loader's checks. */
async function checkImageFile(file: string, limits: ImageLimits): Promise<void> {
  let bytes: Buffer;
  try {
    checkImageFileSize((await stat(file)).size, limits);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    throw new ImageRejected('the file cannot be read', 'unreadable');
  }
  checkImageHeader(readImageHeader(bytes), limits);
}

/**
 * Scans the image folder at `root` (already resolved inside a dataset root). Throws with a reason
 * fit for a reader when it has fewer than 2 classes or a class without usable images.
 */
export async function scanImageFolder(
  root: string,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<FolderScan> {
  const top = await dirs(root);
  const split = top.includes('train') && top.includes('test');
  const classNames = split ? await dirs(path.join(root, 'train')) : top;
  if (classNames.length < 2) {
    throw new Error(
      `the folder needs at least 2 class folders (<class>/*.png${split ? ' under train/' : ''}), found ${classNames.length}`,
    );
  }
  if (classNames.length > 256)
    throw new Error(`the folder has ${classNames.length} classes; at most 256 are supported`);
  const skipped: SkippedFiles = { count: 0, byKind: {}, examples: [] };
  const countUsable = async (dir: string): Promise<number> => {
    let usable = 0;
    for (const name of await imageFiles(dir)) {
      const file = path.join(dir, name);
      try {
        await checkImageFile(file, limits);
        usable++;
      } catch (error) {
        const rejected =
          error instanceof ImageRejected ? error : new ImageRejected('cannot be decoded');
        skipped.count++;
        skipped.byKind[rejected.kind] = (skipped.byKind[rejected.kind] ?? 0) + 1;
        if (skipped.examples.length < SKIPPED_EXAMPLES)
          skipped.examples.push({ file: path.relative(root, file), reason: rejected.message });
      }
    }
    return usable;
  };
  const classes: FolderClass[] = [];
  for (const name of classNames) {
    const trainImages = await countUsable(path.join(root, split ? 'train' : '', name));
    const testImages = split ? await countUsable(path.join(root, 'test', name)) : 0;
    if (trainImages === 0) {
      throw new Error(
        `class folder ${split ? `train/${name}` : name} has no usable images (.png, .jpg, .jpeg)`,
      );
    }
    classes.push({ name, trainImages, testImages });
  }
  const images = classes.reduce((sum, c) => sum + c.trainImages + c.testImages, 0);
  return { layout: split ? 'train-test' : 'classes', classes, images, skipped };
}
