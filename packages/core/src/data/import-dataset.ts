/**
 * `importDataset`: places a copy of a built-in dataset that the user already has — the official files
 * from another machine, a re-compressed copy such as Debian's `dataset-fashion-mnist`, CIFAR-10's
 * tarball — where the loader looks, after checking its contents. The files are copied into a staging
 * folder beside the target, verified there, and only then moved in: a copy that does not verify is
 * refused naming the file and what differs, and the data already in place is left as it was.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import type { FetchableDataset } from '../contracts/run-config-schema.ts';
import {
  CIFAR10_BATCHES_DIR,
  CIFAR10_CLASS_NAMES,
  CIFAR10_RECORD_BYTES,
  OFFICIAL_CIFAR10,
  verifyCifar10Files,
} from './cifar10.ts';
import { idxSources } from './dataset-sources.ts';
import { VERIFIED_MARKER } from './file-checksums.ts';
import { IDX_FILES } from './idx.ts';
import { isGzipFile, verifyIdxFolder } from './idx-verify.ts';

export interface ImportDatasetOptions {
  /** Datasets folder; the files land where `convlab data fetch` puts them. */
  dataDir: string;
  onProgress?: (message: string) => void;
  /** MNIST-like: a JSON file of checksums replacing the official ones (default CONVLAB_DATASET_SOURCES). */
  sourcesFile?: string;
}

export interface ImportDatasetResult {
  name: FetchableDataset;
  /** Where the files now are. */
  dir: string;
  /** Each placed file and the one it was copied from. */
  files: { name: string; from: string }[];
  /** How the files were checked. */
  verified: string;
  seconds: number;
}

/** The plain files in `sources`: each folder's files (not its subfolders), and files named directly. */
async function listSourceFiles(sources: string[]): Promise<string[]> {
  if (sources.length === 0) throw new Error('name at least one folder or file to import from');
  const files: string[] = [];
  for (const source of sources) {
    const resolved = path.resolve(source);
    const info = await lstat(resolved).catch(() => null);
    if (!info) throw new Error(`${source}: no such file or folder`);
    if (info.isSymbolicLink())
      throw new Error(`${source} is a symbolic link: name the file or folder it points to`);
    if (info.isFile()) files.push(resolved);
    else if (info.isDirectory()) {
      for (const entry of await readdir(resolved, { withFileTypes: true }))
        if (entry.isFile()) files.push(path.join(resolved, entry.name));
    } else throw new Error(`${source} is not a regular file or folder`);
  }
  return files;
}

/** A tar entry that is a file of its own: no link (it would place the link, and read its target). */
export function isPlainTarFile(entry: unknown): boolean {
  const type = (entry as { type?: unknown } | null)?.type;
  return type === 'File' || type === 'OldFile' || type === 'ContiguousFile';
}

/** `train-images-idx3-ubyte` is also seen as `train-images.idx3-ubyte` (with or without .gz). */
function idxNameVariants(official: string): string[] {
  const dotted = official.replace(/-(idx\d-ubyte)$/, '.$1');
  return [official, `${official}.gz`, dotted, `${dotted}.gz`];
}

async function stagingFolder(dataDir: string, name: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const dir = path.join(dataDir, `.import-${name}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  return dir;
}

/** Moves the staged files into `target`, replacing any other version of each (plain or .gz). */
async function place(
  staging: string,
  target: string,
  placed: { name: string; replaces: string[] }[],
): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const { name, replaces } of placed) {
    for (const old of replaces) await rm(path.join(target, old), { force: true });
    await rename(path.join(staging, name), path.join(target, name));
  }
  // The staging folder's marker records exactly these files, verified (rename keeps mtimes).
  await rename(path.join(staging, VERIFIED_MARKER), path.join(target, VERIFIED_MARKER)).catch(() =>
    rm(path.join(target, VERIFIED_MARKER), { force: true }),
  );
}

async function importIdx(
  name: 'mnist' | 'fashion-mnist',
  sources: string[],
  options: ImportDatasetOptions,
  staging: string,
): Promise<Omit<ImportDatasetResult, 'seconds'>> {
  const progress = options.onProgress ?? (() => undefined);
  const available = await listSourceFiles(sources);
  const files: ImportDatasetResult['files'] = [];
  const placed: { name: string; replaces: string[] }[] = [];
  const missing: string[] = [];
  for (const official of Object.values(IDX_FILES)) {
    const variants = idxNameVariants(official);
    const from = available.find((file) => variants.includes(path.basename(file)));
    if (!from) {
      missing.push(official);
      continue;
    }
    // Named by what the file is, so the loader gunzips exactly the gzipped ones.
    const placedName = (await isGzipFile(from)) ? `${official}.gz` : official;
    progress(`copying ${path.basename(from)}`);
    await copyFile(from, path.join(staging, placedName));
    files.push({ name: placedName, from });
    placed.push({ name: placedName, replaces: [official, `${official}.gz`] });
  }
  if (missing.length > 0)
    throw new Error(
      `${name}: no ${missing.join(', ')} (plain or .gz) among ${available.length} files in ${sources.join(', ')}`,
    );
  progress('verifying the contents');
  const source = idxSources(options.sourcesFile)[name];
  const dir = path.join(path.resolve(options.dataDir), name);
  const origins = new Map(files.map((file) => [path.join(staging, file.name), file.from]));
  await verifyIdxFolder(name, staging, source, {
    origin: (file) => origins.get(file) ?? file,
    hint: `Nothing was imported; ${dir} is as it was.`,
  });
  await place(staging, dir, placed);
  return {
    name,
    dir,
    files,
    verified: source.sha256 ? 'sha256 of the decompressed contents' : 'md5 of the .gz files',
  };
}

async function importCifar10(
  sources: string[],
  options: ImportDatasetOptions,
  staging: string,
): Promise<Omit<ImportDatasetResult, 'seconds'>> {
  const progress = options.onProgress ?? (() => undefined);
  const names = Object.keys(OFFICIAL_CIFAR10.md5);
  const size = OFFICIAL_CIFAR10.recordsPerFile * CIFAR10_RECORD_BYTES;
  // A folder may hold the .bin files or the cifar-10-batches-bin/ folder the tarball unpacks to.
  const expanded = await Promise.all(
    sources.map(async (source) => {
      const nested = path.join(source, CIFAR10_BATCHES_DIR);
      return (await lstat(nested).catch(() => null))?.isDirectory() ? nested : source;
    }),
  );
  const available = await listSourceFiles(expanded);
  const files: ImportDatasetResult['files'] = [];
  for (const file of available) {
    const base = path.basename(file);
    if (names.includes(base)) {
      progress(`copying ${base}`);
      await copyFile(file, path.join(staging, base));
      files.push({ name: base, from: file });
    } else if (/\.(tar\.gz|tgz|tar)$/.test(base)) {
      progress(`extracting ${base}`);
      // Only the six files, each at most its official size: a tarball cannot fill the disk.
      const extracted: string[] = [];
      await tar.x({
        file,
        cwd: staging,
        strip: 1,
        filter: (entry, stat) => {
          const ok =
            names.includes(path.basename(entry)) &&
            (stat?.size ?? 0) <= size &&
            isPlainTarFile(stat);
          if (ok) extracted.push(path.basename(entry));
          return ok;
        },
      });
      for (const base of extracted) files.push({ name: base, from: file });
    }
  }
  const missing = names.filter((name) => !files.some((file) => file.name === name));
  if (missing.length > 0)
    throw new Error(
      `cifar10: no ${missing.join(', ')} among ${available.length} files in ${sources.join(', ')} (the six .bin files, their folder, or cifar-10-binary.tar.gz)`,
    );
  progress('verifying md5s');
  await verifyCifar10Files(staging);
  await writeFile(path.join(staging, 'batches.meta.txt'), CIFAR10_CLASS_NAMES.join('\n') + '\n\n');
  const dir = path.join(path.resolve(options.dataDir), 'cifar10', CIFAR10_BATCHES_DIR);
  await place(staging, dir, [
    ...names.map((name) => ({ name, replaces: [name] })),
    { name: 'batches.meta.txt', replaces: ['batches.meta.txt'] },
  ]);
  return { name: 'cifar10', dir, files, verified: 'md5 of each binary file' };
}

/** Copies, verifies and places dataset `name` from `sources` (folders or files). */
export async function importDataset(
  name: FetchableDataset,
  sources: string[],
  options: ImportDatasetOptions,
): Promise<ImportDatasetResult> {
  const started = performance.now();
  const staging = await stagingFolder(path.resolve(options.dataDir), name);
  try {
    const result =
      name === 'cifar10'
        ? await importCifar10(sources, options, staging)
        : await importIdx(name, sources, options, staging);
    return { ...result, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
