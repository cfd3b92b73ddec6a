/**
 * Checking an image folder before anyone trains on it: its layout (`<class>/*` or `train/` + `test/`),
 * its classes with their image counts, and the files that would be skipped (not an image, over the
 * size limits, or a header that does not parse), counted by reason with the first few named. Only
 * the first 64 KiB of a file are read (its header), so a folder of thousands of photos is checked in
 * seconds; a file whose body is damaged is still skipped (and reported) when a run decodes it.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderClass, FolderScan } from '../contracts/folder-scan-result.ts';
import {
  checkImageFileSize,
  checkImageHeader,
  DEFAULT_IMAGE_LIMITS,
  ImageRejected,
  readImageHeader,
  type ImageLimits,
} from './image-decode.ts';
import { checkClasses, listDirs, listImages, readImageFile, SkipLog } from './image-folder.ts';

/** A PNG's header is in its first 24 bytes; a JPEG's frame header usually within 64 KiB (after EXIF). */
const HEAD_BYTES = 64 * 1024;

/** The first `HEAD_BYTES` of a file (within the byte limit, like the loader). */
async function readHead(file: string, limits: ImageLimits): Promise<Buffer> {
  let handle;
  try {
    checkImageFileSize((await stat(file)).size, limits);
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    throw new ImageRejected('the file cannot be read', 'unreadable');
  } finally {
    await handle?.close();
  }
}

/** Throws ImageRejected when the file would be skipped by the loader's checks. */
async function checkImageFile(file: string, limits: ImageLimits): Promise<void> {
  let header;
  try {
    header = readImageHeader(await readHead(file, limits));
  } catch (error) {
    // A JPEG whose frame header lies past the head: read it whole, as the loader would.
    if (!(error instanceof ImageRejected) || error.kind !== 'corrupt') throw error;
    header = readImageHeader(await readImageFile(file, limits));
  }
  checkImageHeader(header, limits);
}

/** The folders (or files) in `dir`, or none when it cannot be read. */
const orNone = (listing: Promise<string[]>) => listing.catch((): string[] => []);

/**
 * Scans the image folder at `root` (already resolved inside a dataset root). Throws with a reason
 * fit for a reader when it has fewer than 2 classes or a class without usable images.
 */
export async function scanImageFolder(
  root: string,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<FolderScan> {
  const top = await orNone(listDirs(root));
  const split = top.includes('train') && top.includes('test');
  const classNames = split ? await orNone(listDirs(path.join(root, 'train'))) : top;
  checkClasses(classNames, split ? 'train/' : 'the folder');
  const skipped = new SkipLog();
  const countUsable = async (dir: string): Promise<number> => {
    let usable = 0;
    for (const file of await orNone(listImages(dir))) {
      try {
        await checkImageFile(file, limits);
        usable++;
      } catch (error) {
        skipped.add(path.relative(root, file), error);
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
  return { layout: split ? 'train-test' : 'classes', classes, images, skipped: skipped.summary() };
}
