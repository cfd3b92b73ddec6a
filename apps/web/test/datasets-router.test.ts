import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleDatasetStatuses } from '~/server/dataset-service.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';
import { serveFixture, writeIdxFixture, writeSourcesFile } from './idx-mirror-fixture.ts';

let t: TestDatabase;
let fixture: Awaited<ReturnType<typeof serveFixture>>;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.CONVLAB_DATA_DIR = path.join(t.dir, 'datasets-cache');
  const md5 = writeIdxFixture(path.join(t.dir, 'mirror'), { train: 120, test: 30 });
  fixture = await serveFixture(path.join(t.dir, 'mirror'));
  process.env.CONVLAB_DATASET_SOURCES = writeSourcesFile(
    path.join(t.dir, 'sources.json'),
    fixture.url,
    md5,
  );
});
afterAll(async () => {
  delete process.env.CONVLAB_DATA_DIR;
  delete process.env.CONVLAB_DATASET_SOURCES;
  await fixture.close();
  await t.cleanup();
});

function writePng(file: string, rgb: [number, number, number]) {
  const image = new PNG({ width: 8, height: 8 });
  for (let p = 0; p < 64; p++) image.data.set([...rgb, 255], p * 4);
  writeFileSync(file, PNG.sync.write(image));
}

/** The list once the checks it starts have finished (the first call shows them "verifying"). */
async function listed() {
  const first = await t.caller().datasets.list();
  expect(first.builtin.find((d) => d.name === 'cifar10')?.state).toBe('verifying');
  await settleDatasetStatuses();
  return t.caller().datasets.list();
}

describe('datasets router', () => {
  it('lists the built-in datasets with their state, and fetches one through the fetcher', async () => {
    const first = await listed();
    const byName = (list: typeof first, name: string) => list.builtin.find((d) => d.name === name);
    expect(first.builtin.map((d) => d.name)).toEqual([
      'synthetic',
      'cifar10',
      'mnist',
      'fashion-mnist',
    ]);
    expect(byName(first, 'synthetic')).toMatchObject({ state: 'present', fetchable: false });
    expect(byName(first, 'cifar10')).toMatchObject({ state: 'missing', fetchable: true });
    expect(byName(first, 'mnist')?.state).toBe('missing');

    const job = await t.caller().datasets.fetch({ name: 'mnist' });
    expect(job.state).toBe('running');
    await expect
      .poll(
        async () =>
          (await t.caller().datasets.list()).fetches.find((f) => f.name === 'mnist')?.state,
        {
          timeout: 20_000,
        },
      )
      .toBe('done');
    const after = await t.caller().datasets.list();
    const fetched = after.fetches.find((f) => f.name === 'mnist');
    expect(fetched?.result).toMatch(/^md5 verified \(from download/);
    expect(fetched?.messages.join('\n')).toMatch(/downloaded and verified 4 files/);
    expect(byName(after, 'mnist')).toMatchObject({
      state: 'present',
      trainImages: 120,
      testImages: 30,
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(byName(after, 'mnist')?.bytes).toBeGreaterThan(0);

    // A damaged file is reported as corrupt (once its size changes, the md5 is checked again).
    const file = path.join(t.dir, 'datasets-cache', 'mnist', 't10k-labels-idx1-ubyte.gz');
    writeFileSync(file, 'garbage');
    const { builtinDatasetStatus } = await import('@convlab/core');
    const corrupt = await builtinDatasetStatus('mnist', path.join(t.dir, 'datasets-cache'));
    expect(corrupt.state).toBe('corrupt');
    expect(corrupt.problem).toMatch(/md5/);
    await expect(t.caller().datasets.fetch({ name: 'synthetic' as 'mnist' })).rejects.toThrow();
  });

  it('registers an image folder after checking it, and a run can be queued on it', async () => {
    const root = path.join(t.dir, 'datasets', 'pets');
    for (const [name, rgb] of [
      ['cat', [200, 40, 40]],
      ['dog', [40, 40, 200]],
    ] as const) {
      mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 6; i++) writePng(path.join(root, name, `${i}.png`), [...rgb]);
    }
    writeFileSync(path.join(root, 'dog', 'broken.png'), 'not an image');
    const caller = t.caller();
    const registered = await caller.datasets.registerFolder({ path: root, label: 'Pets' });
    expect(registered.dataset).toBe(`folder:${root}`);
    expect(registered.scan.classes).toEqual([
      { name: 'cat', trainImages: 6, testImages: 0 },
      { name: 'dog', trainImages: 6, testImages: 0 },
    ]);
    expect(registered.scan.images).toBe(12);
    expect(registered.scan.skipped).toMatchObject({ count: 1, byKind: { 'not-an-image': 1 } });
    const { folders } = await caller.datasets.list();
    expect(folders.map((f) => [f.label, f.dataset])).toEqual([['Pets', `folder:${root}`]]);
    const { id } = await caller.runs.queue({
      config: { preset: 'tiny-cnn', dataset: registered.dataset, epochs: 1 },
    });
    expect((await caller.runs.detail({ id })).run.dataset).toBe(`folder:${root}`);

    // Refused: outside the dataset roots, missing, and a single class.
    await expect(caller.datasets.registerFolder({ path: t.dir })).rejects.toThrow(
      /inside a dataset root/,
    );
    await expect(
      caller.datasets.registerFolder({ path: path.join(t.dir, 'datasets', 'nope') }),
    ).rejects.toThrow(/does not exist/);
    const single = path.join(t.dir, 'datasets', 'single');
    mkdirSync(path.join(single, 'only'), { recursive: true });
    writePng(path.join(single, 'only', 'a.png'), [1, 2, 3]);
    await expect(caller.datasets.registerFolder({ path: single })).rejects.toThrow(
      /needs at least 2 class folders .*found 1/,
    );
    expect(await caller.datasets.removeFolder({ dataset: registered.dataset })).toEqual({
      removed: true,
    });
    expect((await caller.datasets.list()).folders).toEqual([]);
  });

  it('tells a read-only reader states and counts, never server paths', async () => {
    const root = path.join(t.dir, 'datasets', 'pets2');
    for (const name of ['a', 'b']) {
      mkdirSync(path.join(root, name), { recursive: true });
      writePng(path.join(root, name, '0.png'), [9, 9, 9]);
    }
    await t.caller().datasets.registerFolder({ path: root });
    const reader = t.caller({
      policy: { loopback: false, token: 'a-long-enough-token', publicReads: true },
    });
    const list = await reader.datasets.list();
    expect(list.builtin.map((d) => d.location)).toEqual([null, null, null, null]);
    for (const d of list.builtin)
      expect(d.problem === null || d.problem === `${d.name} is ${d.state}`).toBe(true);
    expect(list.builtin.find((d) => d.name === 'cifar10')?.problem).toBe('cifar10 is missing');
    expect(list.folders).toEqual([]);
    expect(list.datasetRoots).toEqual([]);
    expect(JSON.stringify(list)).not.toContain(t.dir);
    // The same list for those who may write names where everything lives.
    expect(JSON.stringify(await t.caller().datasets.list())).toContain(t.dir);
  });
});
