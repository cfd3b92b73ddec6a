/**
 * Built-in datasets are checked by their decoded contents: a re-compressed copy is accepted (status,
 * loader, import), a copy with one flipped pixel is refused naming the file, and decompression is
 * bounded.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtinDatasetStatus,
  importDataset,
  loadDataset,
  readIdxBytes,
} from '../../src/index.ts';
import { idxContents, writeGzippedIdx, writeSources } from '../../src/testing/idx-fixture.ts';

let tmp: string;
let sourcesFile: string;
const contents = idxContents(200, 50);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-import-'));
  // "As served": gzip level 9; the sources file vouches for the .gz md5s and the contents' sha256s.
  const served = await writeGzippedIdx(path.join(tmp, 'served'), contents, 9);
  sourcesFile = await writeSources(path.join(tmp, 'sources.json'), 'mnist', served);
  process.env.CONVLAB_DATASET_SOURCES = sourcesFile;
});
afterAll(async () => {
  delete process.env.CONVLAB_DATASET_SOURCES;
  await rm(tmp, { recursive: true, force: true });
});

describe('content checksums', () => {
  it('accepts a copy re-compressed at another level (other .gz bytes) and an uncompressed one', async () => {
    const dataDir = path.join(tmp, 'recompressed');
    await writeGzippedIdx(path.join(dataDir, 'mnist'), contents, 1);
    const served = await readFile(path.join(tmp, 'served', 'train-images-idx3-ubyte.gz'));
    const mine = await readFile(path.join(dataDir, 'mnist', 'train-images-idx3-ubyte.gz'));
    expect(mine.equals(served)).toBe(false);
    const status = await builtinDatasetStatus('mnist', dataDir, { sourcesFile });
    expect(status).toMatchObject({ state: 'present', trainImages: 200, testImages: 50 });
    const data = await loadDataset('mnist', { seed: 1, validationSplit: 0.1, dataDir });
    expect(data.test.count).toBe(50);

    // Plain (gunzipped by hand) files are checked too.
    await writeFile(
      path.join(dataDir, 'mnist', 't10k-labels-idx1-ubyte'),
      contents['t10k-labels-idx1-ubyte']!,
    );
    await expect(builtinDatasetStatus('mnist', dataDir, { sourcesFile })).resolves.toMatchObject({
      state: 'present',
    });
  });

  it('refuses a copy with one flipped pixel, naming the file and what differs', async () => {
    const dataDir = path.join(tmp, 'flipped');
    const flipped = Buffer.from(contents['t10k-images-idx3-ubyte']!);
    flipped[16 + 123] = 255 - (flipped[16 + 123] ?? 0);
    await writeGzippedIdx(path.join(dataDir, 'mnist'), {
      ...contents,
      't10k-images-idx3-ubyte': flipped,
    });
    const status = await builtinDatasetStatus('mnist', dataDir, { sourcesFile });
    expect(status.state).toBe('corrupt');
    expect(status.problem).toMatch(
      /t10k-images-idx3-ubyte\.gz is not the mnist t10k-images-idx3-ubyte: its contents \(39216 bytes, a header of 50 images of 28×28\) differ/,
    );
    expect(status.problem).toMatch(/convlab data import mnist .*works offline/);
    await expect(loadDataset('mnist', { seed: 1, dataDir })).rejects.toThrow(
      /t10k-images-idx3-ubyte\.gz is not the mnist/,
    );
  });

  it('refuses a gzip bomb at the output bound instead of inflating it', async () => {
    const bomb = path.join(tmp, 'bomb.gz');
    await writeFile(bomb, gzipSync(Buffer.alloc(80 * 1024 * 1024)));
    expect((await readFile(bomb)).length).toBeLessThan(200_000);
    await expect(readIdxBytes(bomb)).rejects.toThrow(/decompresses to more than 67108864 bytes/);
    const dataDir = path.join(tmp, 'bombed');
    await writeGzippedIdx(path.join(dataDir, 'fashion-mnist'), contents);
    await writeFile(
      path.join(dataDir, 'fashion-mnist', 'train-images-idx3-ubyte.gz'),
      await readFile(bomb),
    );
    // Official Fashion-MNIST: the file may decompress to its official size, not a byte more.
    const status = await builtinDatasetStatus('fashion-mnist', dataDir);
    expect(status.state).toBe('corrupt');
    expect(status.problem).toMatch(
      /train-images-idx3-ubyte\.gz decompresses to more than 47040016 bytes/,
    );
  });
});

describe('importDataset', () => {
  it('copies, verifies and places a re-compressed copy, replacing a damaged one', async () => {
    const dataDir = path.join(tmp, 'import');
    // A damaged plain file already there (the loader would read it before any .gz).
    await mkdir(path.join(dataDir, 'mnist'), { recursive: true });
    await writeFile(path.join(dataDir, 'mnist', 'train-labels-idx1-ubyte'), Buffer.alloc(10));
    const mine = path.join(tmp, 'my-copy');
    await writeGzippedIdx(mine, contents, 3);
    // One file named the Kaggle way, one left uncompressed.
    await rm(path.join(mine, 't10k-labels-idx1-ubyte.gz'));
    await writeFile(path.join(mine, 't10k-labels.idx1-ubyte'), contents['t10k-labels-idx1-ubyte']!);
    const messages: string[] = [];
    const result = await importDataset('mnist', [mine], {
      dataDir,
      sourcesFile,
      onProgress: (m) => messages.push(m),
    });
    expect(result.dir).toBe(path.join(dataDir, 'mnist'));
    expect(result.verified).toBe('sha256 of the decompressed contents');
    expect(result.files.map((f) => f.name).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    expect(messages).toContain('verifying the contents');
    const placed = (await readdir(path.join(dataDir, 'mnist'))).sort();
    expect(placed).not.toContain('train-labels-idx1-ubyte');
    expect(placed.filter((f) => f.startsWith('.import'))).toEqual([]);
    expect((await readdir(dataDir)).filter((f) => f.startsWith('.import'))).toEqual([]);
    await expect(builtinDatasetStatus('mnist', dataDir, { sourcesFile })).resolves.toMatchObject({
      state: 'present',
      trainImages: 200,
    });
  });

  it('refuses a damaged copy and leaves the data in place untouched', async () => {
    const dataDir = path.join(tmp, 'import-bad');
    await writeGzippedIdx(path.join(dataDir, 'mnist'), contents);
    const before = await readFile(path.join(dataDir, 'mnist', 'train-images-idx3-ubyte.gz'));
    const bad = path.join(tmp, 'bad-copy');
    const flipped = Buffer.from(contents['train-images-idx3-ubyte']!);
    flipped[5000] = 255 - (flipped[5000] ?? 0);
    await writeGzippedIdx(bad, { ...contents, 'train-images-idx3-ubyte': flipped });
    await expect(importDataset('mnist', [bad], { dataDir, sourcesFile })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz is not the mnist train-images-idx3-ubyte/,
    );
    const after = await readFile(path.join(dataDir, 'mnist', 'train-images-idx3-ubyte.gz'));
    expect(after.equals(before)).toBe(true);
    expect(gunzipSync(after).equals(contents['train-images-idx3-ubyte']!)).toBe(true);
    expect((await readdir(dataDir)).filter((f) => f.startsWith('.import'))).toEqual([]);
  });

  it('says which files it did not find, and refuses what is not a file or folder', async () => {
    const partial = path.join(tmp, 'partial');
    await writeGzippedIdx(partial, { 'train-images-idx3-ubyte': contents['train-images-idx3-ubyte']! });
    await expect(
      importDataset('mnist', [partial], { dataDir: path.join(tmp, 'x'), sourcesFile }),
    ).rejects.toThrow(
      /mnist: no train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \(plain or \.gz\) among 1 files/,
    );
    await expect(
      importDataset('cifar10', [path.join(tmp, 'nowhere')], { dataDir: path.join(tmp, 'x') }),
    ).rejects.toThrow(/nowhere: no such file or folder/);
    expect(existsSync(path.join(tmp, 'x', 'cifar10'))).toBe(false);
  });
});
