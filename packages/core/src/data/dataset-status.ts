/**
 * What a built-in dataset looks like on this host: present (every file there and verified), missing, or
 * corrupt (a file truncated, unparsable or with the wrong md5), with where it lives, its size on disk,
 * its image counts and class names. The dashboard's Datasets page and the queue form read this.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BuiltinDataset } from '../contracts/run-config-schema.ts';
import {
  CIFAR10_BATCHES_DIR,
  CIFAR10_CLASS_NAMES,
  CIFAR10_TEST_FILE,
  OFFICIAL_CIFAR10,
  verifyCifar10Files,
} from './cifar10.ts';
import { idxSources } from './dataset-sources.ts';
import { getDatasetHint } from './dataset-hints.ts';
import { FASHION_MNIST_CLASS_NAMES, loadIdxDataset, MNIST_CLASS_NAMES } from './idx.ts';
import { verifyIdxFolder } from './idx-verify.ts';
import {
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_DEFAULT_TEST_COUNT,
  SYNTHETIC_DEFAULT_TRAIN_COUNT,
} from './synthetic.ts';

export type DatasetState = 'present' | 'missing' | 'corrupt';

export interface DatasetStatus {
  name: BuiltinDataset;
  state: DatasetState;
  /** Why it is missing or corrupt, and how to fix it. */
  problem: string | null;
  /** Where its files live (null: generated). */
  location: string | null;
  /** On disk (null: generated, or nothing there). */
  bytes: number | null;
  trainImages: number | null;
  testImages: number | null;
  classNames: string[];
  /** `convlab data fetch <name>` (and the dashboard's Fetch button) can get it. */
  fetchable: boolean;
}

/** Bytes of the plain files directly in `dir` (0 when there is no such folder). */
async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(path.join(dir, entry.name))).size;
  }
  return total;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

type StatusBase = Pick<DatasetStatus, 'name' | 'location' | 'classNames' | 'fetchable'>;

/** Missing (nothing there) or corrupt (files there, `bytes` of them, that do not verify). */
function unavailable(
  base: StatusBase,
  state: 'missing' | 'corrupt',
  problem: string,
  bytes: number | null,
): DatasetStatus {
  return { ...base, state, problem, bytes, trainImages: null, testImages: null };
}

async function cifar10Status(dataDir: string): Promise<DatasetStatus> {
  // Where the loader looks: cifar10/cifar-10-batches-bin/, or the .bin files in cifar10/ itself.
  const root = path.join(dataDir, 'cifar10');
  const flat =
    !existsSync(path.join(root, CIFAR10_BATCHES_DIR)) &&
    existsSync(path.join(root, CIFAR10_TEST_FILE));
  const location = flat ? root : path.join(root, CIFAR10_BATCHES_DIR);
  const base: StatusBase = {
    name: 'cifar10',
    location,
    classNames: [...CIFAR10_CLASS_NAMES],
    fetchable: true,
  };
  if (!existsSync(path.join(location, CIFAR10_TEST_FILE)))
    return unavailable(base, 'missing', getDatasetHint('cifar10'), null);
  const bytes = await folderBytes(location);
  try {
    await verifyCifar10Files(location);
  } catch (error) {
    return unavailable(base, 'corrupt', message(error), bytes);
  }
  const perFile = OFFICIAL_CIFAR10.recordsPerFile;
  return {
    ...base,
    state: 'present',
    problem: null,
    bytes,
    trainImages: 5 * perFile,
    testImages: perFile,
  };
}

/** Image counts of an IDX folder, parsed once per version of its files (size and mtime of each). */
const idxCountsSeen = new Map<
  string,
  { signature: string; trainImages: number; testImages: number }
>();

async function idxCounts(
  name: 'mnist' | 'fashion-mnist',
  location: string,
): Promise<{ trainImages: number; testImages: number }> {
  const files = (await readdir(location)).sort();
  const stats = await Promise.all(files.map((file) => stat(path.join(location, file))));
  const signature = files.map((file, i) => `${file}:${stats[i]?.size}:${stats[i]?.mtimeMs}`).join();
  const seen = idxCountsSeen.get(location);
  if (seen?.signature === signature)
    return { trainImages: seen.trainImages, testImages: seen.testImages };
  // Parsing checks the headers, the label range and that images and labels agree.
  const raw = await loadIdxDataset(name, location);
  const counts = { trainImages: raw.train.count, testImages: raw.test.count };
  idxCountsSeen.set(location, { signature, ...counts });
  return counts;
}

async function idxStatus(
  name: 'mnist' | 'fashion-mnist',
  dataDir: string,
  sourcesFile: string | undefined,
): Promise<DatasetStatus> {
  const location = path.join(dataDir, name);
  const base: StatusBase = {
    name,
    location,
    classNames: [...(name === 'mnist' ? MNIST_CLASS_NAMES : FASHION_MNIST_CLASS_NAMES)],
    fetchable: true,
  };
  const files: string[] = await readdir(location).catch(() => []);
  if (!files.some((file) => /idx\d-ubyte/.test(file)))
    return unavailable(base, 'missing', getDatasetHint(name), null);
  const bytes = await folderBytes(location);
  try {
    // Contents checked whatever compressed them (once, then cached by size and mtime).
    await verifyIdxFolder(name, location, idxSources(sourcesFile)[name]);
    const counts = await idxCounts(name, location);
    return { ...base, state: 'present', problem: null, bytes, ...counts };
  } catch (error) {
    return unavailable(base, 'corrupt', message(error), bytes);
  }
}

/** The state of built-in dataset `name` under `dataDir` (verifying checksums: may take a second). */
export async function builtinDatasetStatus(
  name: BuiltinDataset,
  dataDir: string,
  options: { sourcesFile?: string } = {},
): Promise<DatasetStatus> {
  const dir = path.resolve(dataDir);
  if (name === 'cifar10') return cifar10Status(dir);
  if (name === 'mnist' || name === 'fashion-mnist')
    return idxStatus(name, dir, options.sourcesFile);
  return {
    name,
    state: 'present',
    problem: null,
    location: null,
    bytes: null,
    trainImages: SYNTHETIC_DEFAULT_TRAIN_COUNT,
    testImages: SYNTHETIC_DEFAULT_TEST_COUNT,
    classNames: [...SYNTHETIC_CLASS_NAMES],
    fetchable: false,
  };
}
