/**
 * `convlab data list | import` through the real CLI: a re-compressed copy of an IDX dataset is
 * accepted and trained on, a copy with one flipped pixel is refused naming the file (and what was in
 * place stays), and Debian's re-compressed Fashion-MNIST (`dataset-fashion-mnist`) imports as present.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxContents, writeGzippedIdx, writeSources } from '@convlab/core/testing';
import { createSandbox, type Sandbox } from './harness.ts';

const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

interface StatusJson {
  name: string;
  state: string;
  problem: string | null;
  trainImages: number | null;
  testImages: number | null;
  location: string | null;
}

describe('convlab data', () => {
  let sandbox: Sandbox;
  let env: NodeJS.ProcessEnv;
  const contents = idxContents(600, 200);
  beforeAll(async () => {
    sandbox = createSandbox();
    const served = await writeGzippedIdx(path.join(sandbox.dir, 'served'), contents, 9);
    env = {
      CONVLAB_DATA_DIR: path.join(sandbox.dir, 'datasets'),
      CONVLAB_DATASET_SOURCES: await writeSources(
        path.join(sandbox.dir, 'sources.json'),
        'mnist',
        served,
      ),
    };
    expect((await sandbox.cli(['migrate'])).code).toBe(0);
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  const list = async () => {
    const result = await sandbox.cli(['data', 'list', '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StatusJson[];
  };

  it('lists every built-in dataset with its state and tells an offline user what works', async () => {
    const statuses = await list();
    expect(statuses.map((s) => s.name)).toEqual(['synthetic', 'cifar10', 'mnist', 'fashion-mnist']);
    const mnist = statuses.find((s) => s.name === 'mnist');
    expect(mnist?.state).toBe('missing');
    expect(mnist?.problem).toMatch(/convlab data import mnist <folder or files>.*works offline/);
    const table = await sandbox.cli(['data', 'list'], env);
    expect(table.stdout).toMatch(/^DATASET +STATE +SIZE/);
    expect(table.stdout).toMatch(/synthetic +present/);
    const help = await sandbox.cli(['data', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/data import cifar10\|mnist\|fashion-mnist <folder\|file>/);
  });

  it('imports a re-compressed copy, lists it present, and trains on it', async () => {
    const copy = path.join(sandbox.dir, 'my-copy');
    await writeGzippedIdx(copy, contents, 1);
    const imported = await sandbox.cli(['data', 'import', 'mnist', copy, '--json'], env);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as {
      dir: string;
      verified: string;
      files: unknown[];
    };
    expect(result).toMatchObject({
      dir: path.join(sandbox.dir, 'datasets', 'mnist'),
      verified: 'sha256 of the decompressed contents',
    });
    expect(result.files).toHaveLength(4);
    expect((await list()).find((s) => s.name === 'mnist')).toMatchObject({
      state: 'present',
      trainImages: 600,
      testImages: 200,
    });

    const id = await sandbox.queue(['--preset', 'tiny-cnn', '--dataset', 'mnist', '--epochs', '2']);
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1'], env);
    expect((await trainer.exited).code, trainer.output()).toBe(0);
    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as {
      status: string;
      report: { testAcc: number } | null;
    };
    expect(shown.status).toBe('completed');
    // Learning happened: 10 balanced classes, chance is 10%.
    expect(shown.report?.testAcc).toBeGreaterThan(0.3);
  });

  it('refuses a copy with one flipped pixel in one line naming the file, keeping the good one', async () => {
    const bad = path.join(sandbox.dir, 'bad-copy');
    const flipped = Buffer.from(contents['train-images-idx3-ubyte']!);
    flipped[16 + 4321] = 255 - (flipped[16 + 4321] ?? 0);
    await writeGzippedIdx(bad, { ...contents, 'train-images-idx3-ubyte': flipped }, 6);
    const before = await readFile(
      path.join(sandbox.dir, 'datasets', 'mnist', 'train-images-idx3-ubyte.gz'),
    );
    const refused = await sandbox.cli(['data', 'import', 'mnist', bad], env);
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^convlab: .*bad-copy\/train-images-idx3-ubyte\.gz is not the mnist train-images-idx3-ubyte: its contents \(470416 bytes, a header of 600 images of 28×28\) differ/,
    );
    const after = await readFile(
      path.join(sandbox.dir, 'datasets', 'mnist', 'train-images-idx3-ubyte.gz'),
    );
    expect(after.equals(before)).toBe(true);
    expect((await list()).find((s) => s.name === 'mnist')?.state).toBe('present');
  });

  it('refuses usage mistakes with exit code 2 and escapes what it echoes', async () => {
    const unknown = await sandbox.cli(['data', 'import', 'imagenet\u001b[31m', '/tmp'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'convlab: cannot import "imagenet\\u001b[31m": the built-in datasets are cifar10, mnist, fashion-mnist\n',
    );
    const noSource = await sandbox.cli(['data', 'import', 'mnist'], env);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/name the folder or files to import mnist from/);
  });

  it("imports Debian's re-compressed Fashion-MNIST as the official data", async () => {
    // .ci/run installs Debian's dataset-fashion-mnist: the real data, other .gz bytes than the official.
    expect(existsSync(DEBIAN_FASHION_MNIST), 'apt-get install dataset-fashion-mnist').toBe(true);
    const imported = await sandbox.cli(
      ['data', 'import', 'fashion-mnist', DEBIAN_FASHION_MNIST, '--json'],
      { ...env, CONVLAB_DATASET_SOURCES: '' },
    );
    expect(imported.code, imported.stderr).toBe(0);
    const statuses = await sandbox.cli(['data', 'list', '--json'], {
      ...env,
      CONVLAB_DATASET_SOURCES: '',
    });
    const fashion = (JSON.parse(statuses.stdout) as StatusJson[]).find(
      (s) => s.name === 'fashion-mnist',
    );
    expect(fashion).toMatchObject({ state: 'present', trainImages: 60000, testImages: 10000 });
  });
});
