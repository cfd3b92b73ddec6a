/**
 * A user's image folder: `root/<class>/*.{png,jpg,jpeg}`, or `root/train/<class>` + `root/test/<class>`.
 * Decoded in JS (pngjs, jpeg-js) after a header check against size limits (image-decode.ts), flattened
 * to RGB (alpha composited over white), resized bilinearly to a square size. Refused and unreadable
 * files are skipped, counted and named with the reason; class names are the sorted folder names. Errors
 * and skip reports name files relative to the folder, never by their server path.
 */
import { constants, existsSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  checkImageFileSize,
  DEFAULT_IMAGE_LIMITS,
  decodeImage,
  ImageRejected,
  rgbaToRgb,
  type ImageDecoder,
  type ImageLimits,
} from './image-decode.ts';
import { resizeBilinear } from './image-ops.ts';
import type { RawDataset } from './types.ts';
import { deriveSeed, mulberry32 } from './random.ts';
import { stratifiedSelect, subsetImageSet } from './split.ts';
import type { ImageSet, SkippedFiles } from './types.ts';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Share of the images held out for testing when the folder has no train/test split of its own. */
export const FOLDER_TEST_FRACTION = 0.2;
/** How many skipped files a dataset names (all are counted). */
const SKIPPED_EXAMPLES = 20;

export interface ImageFolderOptions {
  /** Square side every image is resized to. */
  size: number;
  /** Seeds the carved test split. */
  seed: number;
  /** Files over these limits are skipped (default DEFAULT_IMAGE_LIMITS). */
  limits?: ImageLimits;
}

/**
 * An image file's bytes, refused (ImageRejected) when it is not a regular file (a device such as
 * /dev/zero never ends) or past the byte limit before it is read; never more than the limit is read,
 * even from a file that grows meanwhile.
 */
export async function readImageFile(
  file: string,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<Buffer> {
  let handle;
  try {
    // Checked before opening: opening a named pipe would wait for a writer. Non-blocking, in case the
    // path is swapped for one in between (the handle's own stat is checked again below).
    if (!(await stat(file)).isFile()) throw new ImageRejected('not a regular file', 'unreadable');
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImageRejected(
      code === 'ENOENT' ? 'no such file' : 'the file cannot be read',
      'unreadable',
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ImageRejected('not a regular file', 'unreadable');
    checkImageFileSize(info.size, limits);
    const bytes = Buffer.alloc(info.size);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return bytes.subarray(0, read);
  } catch (error) {
    if (error instanceof ImageRejected) throw error;
    throw new ImageRejected('the file cannot be read', 'unreadable');
  } finally {
    await handle.close();
  }
}

/**
 * One image file as the model sees it: checked against the limits, decoded, flattened to RGB and
 * resized to size × size. Throws ImageRejected (with a reason fit for a reader) when refused.
 */
export async function loadFolderImage(
  file: string,
  size: number,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
  /** Where to decode (default here; a server passes its worker pool's). */
  decode: ImageDecoder = decodeImage,
): Promise<Uint8Array> {
  const decoded = await decode(await readImageFile(file, limits), limits);
  return resizeBilinear(
    rgbaToRgb(decoded),
    { height: decoded.height, width: decoded.width, channels: 3 },
    size,
    size,
  );
}

/** Skipped files: counted by kind, the first few named (relative to the dataset's root). */
export class SkipLog {
  count = 0;
  byKind: Record<string, number> = {};
  examples: { file: string; reason: string }[] = [];
  add(file: string, error: unknown): void {
    const rejected =
      error instanceof ImageRejected ? error : new ImageRejected('cannot be decoded', 'corrupt');
    this.count++;
    this.byKind[rejected.kind] = (this.byKind[rejected.kind] ?? 0) + 1;
    if (this.examples.length < SKIPPED_EXAMPLES)
      this.examples.push({ file, reason: rejected.message });
  }
  summary(): SkippedFiles {
    return { count: this.count, byKind: this.byKind, examples: this.examples };
  }
}

/** The class folders in `dir`: sorted, hidden ones left out. */
export async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

/** The PNG and JPEG files in `dir` (full paths, sorted). */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()),
    )
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

/** Decode every image under `dir/<class>/` for the given classes (paths named relative to `root`). */
async function loadSplit(
  root: string,
  dir: string,
  classNames: string[],
  options: ImageFolderOptions,
  skipped: SkipLog,
): Promise<ImageSet> {
  const { size } = options;
  const imageBytes = size * size * 3;
  const chunks: Uint8Array[] = [];
  const labels: number[] = [];
  const sources: string[] = [];
  for (const [label, className] of classNames.entries()) {
    const classDir = path.join(dir, className);
    const files = existsSync(classDir) ? await listImages(classDir) : [];
    let loaded = 0;
    for (const file of files) {
      const relative = path.relative(root, file);
      try {
        chunks.push(await loadFolderImage(file, size, options.limits));
        labels.push(label);
        sources.push(relative);
        loaded++;
      } catch (error) {
        skipped.add(relative, error);
      }
    }
    if (loaded === 0) {
      const where = path.relative(root, classDir) || className;
      throw new Error(
        `class folder ${where} has no readable images (.png, .jpg, .jpeg)` +
          (files.length > 0 ? `: all ${files.length} were skipped` : ''),
      );
    }
  }
  const images = new Uint8Array(labels.length * imageBytes);
  chunks.forEach((chunk, i) => images.set(chunk, i * imageBytes));
  return {
    images,
    labels: Uint8Array.from(labels),
    count: labels.length,
    height: size,
    width: size,
    channels: 3,
    numClasses: classNames.length,
    sources,
  };
}

/** `where` names the folder for a reader: "the folder", or its train/ or test/ part. */
export function checkClasses(classNames: string[], where: string): void {
  if (classNames.length < 2) {
    throw new Error(
      `${where} needs at least 2 class folders (<class>/*.png), found ${classNames.length}` +
        (classNames.length === 1 ? ` (${classNames[0]})` : ''),
    );
  }
  if (classNames.length > 256)
    throw new Error(`${where} has ${classNames.length} classes; at most 256 are supported`);
}

export async function loadImageFolder(
  root: string,
  options: ImageFolderOptions,
): Promise<RawDataset> {
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error('the image folder does not exist or is not a folder');
  const trainDir = path.join(root, 'train');
  const testDir = path.join(root, 'test');
  if (existsSync(trainDir) && existsSync(testDir)) {
    const classNames = await listDirs(trainDir);
    checkClasses(classNames, 'train/');
    const extra = (await listDirs(testDir)).filter((name) => !classNames.includes(name));
    if (extra.length > 0)
      throw new Error(`test/ has classes missing from train/: ${extra.join(', ')}`);
    const skipped = new SkipLog();
    const train = await loadSplit(root, trainDir, classNames, options, skipped);
    const test = await loadSplit(root, testDir, classNames, options, skipped);
    return { classNames, train, test, skipped: skipped.summary() };
  }
  const classNames = await listDirs(root);
  checkClasses(classNames, 'the folder');
  const skipped = new SkipLog();
  const all = await loadSplit(root, root, classNames, options, skipped);
  const testCount = Math.round(all.count * FOLDER_TEST_FRACTION);
  if (testCount < 1 || testCount >= all.count) {
    throw new Error(`the folder has too few images (${all.count}) to carve a test split`);
  }
  const { selected, rest } = stratifiedSelect(
    all.labels,
    classNames.length,
    testCount,
    mulberry32(deriveSeed(options.seed, 'folder-test-split')),
  );
  return {
    classNames,
    train: subsetImageSet(all, rest),
    test: subsetImageSet(all, selected),
    skipped: skipped.summary(),
  };
}
