import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDatasetStatus, idxSources, scanImageFolder } from '../../src/index.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'convlab-status-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('builtinDatasetStatus', () => {
  it('says missing for datasets not downloaded, and present for the generated one', async () => {
    const cifar = await builtinDatasetStatus('cifar10', tmp);
    expect(cifar).toMatchObject({
      state: 'missing',
      location: path.join(tmp, 'cifar10', 'cifar-10-batches-bin'),
      fetchable: true,
    });
    expect(cifar.classNames).toHaveLength(10);
    await expect(builtinDatasetStatus('fashion-mnist', tmp)).resolves.toMatchObject({
      state: 'missing',
    });
    await expect(builtinDatasetStatus('synthetic', tmp)).resolves.toMatchObject({
      state: 'present',
      fetchable: false,
      trainImages: 2000,
      testImages: 500,
    });
  });

  it('says corrupt for a truncated CIFAR-10 file, naming it', async () => {
    const dir = path.join(tmp, 'cifar10', 'cifar-10-batches-bin');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'test_batch.bin'), Buffer.alloc(100));
    const status = await builtinDatasetStatus('cifar10', tmp);
    expect(status.state).toBe('corrupt');
    expect(status.problem).toMatch(/is missing|truncated/);
    expect(status.bytes).toBe(100);
  });

  it('looks where the loader looks: the .bin files may sit in cifar10/ itself', async () => {
    const flat = path.join(tmp, 'flat');
    await mkdir(path.join(flat, 'cifar10'), { recursive: true });
    await writeFile(path.join(flat, 'cifar10', 'test_batch.bin'), Buffer.alloc(10));
    const status = await builtinDatasetStatus('cifar10', flat);
    expect(status.location).toBe(path.join(flat, 'cifar10'));
    expect(status.state).toBe('corrupt');
  });
});

describe('idxSources', () => {
  it('replaces the official sources with a checked file, and refuses a bad one', async () => {
    expect(idxSources(undefined).mnist.mirrors[0]).toMatch(/^https:\/\//);
    const md5 = Object.fromEntries(
      Object.keys(idxSources(undefined).mnist.md5).map((file) => [file, 'a'.repeat(32)]),
    );
    const good = path.join(tmp, 'sources.json');
    await writeFile(good, JSON.stringify({ mnist: { mirrors: ['http://127.0.0.1:9/m/'], md5 } }));
    expect(idxSources(good).mnist.mirrors).toEqual(['http://127.0.0.1:9/m/']);
    expect(idxSources(good)['fashion-mnist']).toEqual(idxSources(undefined)['fashion-mnist']);
    const bad = path.join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ mnist: { mirrors: ['ftp://x/'], md5 } }));
    expect(() => idxSources(bad)).toThrow(/CONVLAB_DATASET_SOURCES: mnist\.mirrors\.0/);
    await writeFile(bad, JSON.stringify({ cifar10: {} }));
    expect(() => idxSources(bad)).toThrow(/CONVLAB_DATASET_SOURCES/);
  });
});

describe('scanImageFolder', () => {
  async function image(file: string) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, PNG.sync.write(new PNG({ width: 4, height: 4 })));
  }

  it('counts usable images per class and names the files it would skip', async () => {
    const root = path.join(tmp, 'split');
    for (const split of ['train', 'test'])
      for (const name of ['a', 'b'])
        for (let i = 0; i < (split === 'train' ? 3 : 1); i++)
          await image(path.join(root, split, name, `${i}.png`));
    await writeFile(path.join(root, 'train', 'a', 'x.jpg'), 'not a jpeg');
    const scan = await scanImageFolder(root);
    expect(scan.layout).toBe('train-test');
    expect(scan.classes).toEqual([
      { name: 'a', trainImages: 3, testImages: 1 },
      { name: 'b', trainImages: 3, testImages: 1 },
    ]);
    expect(scan.images).toBe(8);
    expect(scan.skipped).toEqual({
      count: 1,
      byKind: { 'not-an-image': 1 },
      examples: [{ file: path.join('train', 'a', 'x.jpg'), reason: 'not a PNG or JPEG file' }],
    });
  });

  it('refuses fewer than 2 classes and a class without usable images', async () => {
    await image(path.join(tmp, 'one', 'only', 'a.png'));
    await expect(scanImageFolder(path.join(tmp, 'one'))).rejects.toThrow(
      /at least 2 class folders/,
    );
    await image(path.join(tmp, 'empty', 'a', 'a.png'));
    await mkdir(path.join(tmp, 'empty', 'b'), { recursive: true });
    await expect(scanImageFolder(path.join(tmp, 'empty'))).rejects.toThrow(
      /class folder b has no usable images/,
    );
  });
});
