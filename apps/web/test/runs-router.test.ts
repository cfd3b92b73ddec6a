import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PRESET_NAMES } from '@convlab/core/contracts';
import { claimNextRun, completeRun, registerWorker } from '@convlab/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, issuesNaming, type TestDatabase } from './harness.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

describe('presets', () => {
  it('lists core presets in order, with the built-in datasets', async () => {
    const { presets, datasets } = await t.caller().presets.list();
    expect(presets.map((preset) => preset.name)).toEqual([...PRESET_NAMES]);
    expect(presets.find((preset) => preset.name === 'tiny-cnn')?.defaults.dataset).toBe(
      'synthetic',
    );
    expect(datasets).toContain('cifar10');
  });
});

describe('runs.queue', () => {
  it('queues a run with the preset defaults merged in', async () => {
    const { id } = await t.caller().runs.queue({
      config: { preset: 'tiny-cnn', dataset: 'synthetic', epochs: 2, augment: true },
      priority: 5,
    });
    const { run } = await t.caller().runs.detail({ id });
    expect(run.status).toBe('queued');
    expect(run.priority).toBe(5);
    expect(run.config).toMatchObject({
      preset: 'tiny-cnn',
      epochs: 2,
      augment: true,
      batchSize: 32,
    });
    expect(run.name).toBe('tiny-cnn on synthetic');
  });

  it('rejects invalid fields with BAD_REQUEST naming the field', async () => {
    const cases = [
      [{ preset: 'tiny-cnn', epochs: 0 }, 'epochs'],
      [{ preset: 'tiny-cnn', learningRate: 5 }, 'learningRate'],
      [{ preset: 'tiny-cnn', dataset: 'imagenet' }, 'dataset'],
      [{ preset: 'tiny-cnn', fineTuneLayers: -1 }, 'fineTuneLayers'],
      [{ preset: 'no-such-preset' }, 'preset'],
    ] as const;
    for (const [config, field] of cases) {
      await expect(
        t.caller().runs.queue({ config: config as unknown as { preset: 'tiny-cnn' } }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST', cause: { issues: issuesNaming(field) } });
    }
    await expect(
      t.caller().runs.queue({ config: { preset: 'tiny-cnn' }, priority: 1e6 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('queues nothing when validation fails', async () => {
    const before = await t.db.run.count();
    await expect(
      t.caller().runs.queue({ config: { preset: 'seed-cnn', batchSize: 0 } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      t.caller().runs.queueExperiment({ dataset: 'synthetic', epochs: 10_000 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await t.db.run.count()).toBe(before);
  });
});

describe('runs.experimentPlan', () => {
  it('shows each preset’s epochs by phase, and a time estimate once the preset has run here', async () => {
    const before = await t.caller().runs.experimentPlan({ dataset: 'synthetic' });
    expect(before.runs.map((r) => [r.preset, r.epochs, r.seconds])).toEqual([
      ['cnn-plus', 10, null],
      ['transfer-plus', 9, null],
      ['seed-cnn', 10, null],
      ['seed-transfer', 10, null],
    ]);
    expect(before.runs.find((r) => r.preset === 'transfer-plus')?.phases).toEqual([
      { phase: 'frozen', epochs: 5 },
      { phase: 'fine-tune', epochs: 4 },
    ]);
    // The epochs field caps every preset's epochs, as queueing would.
    const capped = await t.caller().runs.experimentPlan({ dataset: 'synthetic', epochs: 2 });
    expect(capped.runs.map((r) => r.epochs)).toEqual([2, 6, 2, 2]);

    // A seed-cnn run finished here at 1,000 img/s: the plan now knows how long seed-cnn takes.
    const { id } = await t
      .caller()
      .runs.queue({ config: { preset: 'seed-cnn', dataset: 'synthetic' } });
    const worker = await registerWorker(t.db, {
      host: 'test-host',
      pid: process.pid,
      backend: 'cpu',
      concurrency: 1,
      version: 'test',
    });
    // Earlier tests left runs queued: claim until this one is claimed (null: nothing left).
    let claimed = await claimNextRun(t.db, { workerId: worker.id, leaseMs: 60_000 });
    while (claimed && claimed.id !== id)
      claimed = await claimNextRun(t.db, { workerId: worker.id, leaseMs: 60_000 });
    await completeRun(t.db, id, {
      timing: {
        seconds: { loading: 0, caching: 0, training: 10, validation: 0, evaluation: 0 },
        imagesPerSecond: 1000,
        phases: [{ phase: 'train', epochs: 1, images: 10_000, seconds: 10, imagesPerSecond: 1000 }],
      },
    });
    const after = await t.caller().runs.experimentPlan({ dataset: 'synthetic' });
    const seedCnn = after.runs.find((r) => r.preset === 'seed-cnn');
    expect(seedCnn?.basedOnRuns).toBe(1);
    expect(seedCnn?.seconds).toBeCloseTo(((seedCnn?.trainImages ?? 0) * 10) / 1000, 6);
    expect(after.runs.filter((r) => r.seconds === null)).toHaveLength(3);
    await expect(t.caller().runs.experimentPlan({ dataset: 'imagenet' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('runs.queue refuses what a hostile input could do', () => {
  const folder = (dir: string, classes: string[]) => {
    for (const name of classes) mkdirSync(path.join(dir, name), { recursive: true });
  };

  it('keeps folder datasets inside the dataset roots, checked when queued', async () => {
    const root = path.join(t.dir, 'datasets');
    folder(path.join(root, 'pets'), ['cat', 'dog']);
    folder(path.join(root, 'one'), ['only']);
    const { id } = await t
      .caller()
      .runs.queue({ config: { preset: 'tiny-cnn', dataset: 'folder:pets' } });
    expect(id).toMatch(/^r/);
    const before = await t.db.run.count();
    for (const dataset of [
      'folder:/etc',
      'folder:/',
      'folder:../..',
      `folder:${root}/../..`,
      'folder:/nonexistent',
      'folder:one',
    ]) {
      await expect(
        t.caller().runs.queue({ config: { preset: 'tiny-cnn', dataset } }),
        dataset,
      ).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        cause: { issues: issuesNaming('dataset') },
        message: expect.not.stringMatching(/\/etc|\/tmp|convlab-web-test/) as unknown,
      });
    }
    await expect(t.caller().runs.queueExperiment({ dataset: 'folder:/etc' })).rejects.toMatchObject(
      { code: 'BAD_REQUEST' },
    );
    expect(await t.db.run.count()).toBe(before);
  });

  it('refuses weightsUrl outside the weights roots and hosts, sending no request anywhere', async () => {
    let requests = 0;
    const server = createServer((_, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const weightsUrl of [
        'file:///etc/passwd',
        `http://127.0.0.1:${port}/internal/model.json`,
        `https://127.0.0.1:${port}/model.json`,
        'https://evil.example/model.json',
      ]) {
        await expect(
          t.caller().runs.queue({ config: { preset: 'transfer-plus', weightsUrl } }),
          weightsUrl,
        ).rejects.toMatchObject({
          code: 'BAD_REQUEST',
          cause: { issues: issuesNaming('weightsUrl') },
        });
      }
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('answers out-of-range sizes with BAD_REQUEST naming the field, never a 500', async () => {
    const long = `folder:${'x'.repeat(300)}`;
    // The folder does not exist (and the name would be cut).
    await expect(t.caller().runs.queueExperiment({ dataset: long })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    for (const [config, field] of [
      [{ preset: 'tiny-cnn', trainLimit: 1e15 }, 'trainLimit'],
      [{ preset: 'tiny-cnn', testLimit: 1e15 }, 'testLimit'],
      [{ preset: 'tiny-cnn', dataset: `folder:${'y'.repeat(5000)}` }, 'dataset'],
    ] as const) {
      await expect(t.caller().runs.queue({ config }), field).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        cause: { issues: issuesNaming(field) },
      });
    }
    // A default name from a long (valid) folder path is shortened to the 200-character limit.
    const deep = path.join(t.dir, 'datasets', 'd'.repeat(180), 'e'.repeat(60));
    folder(deep, ['a', 'b']);
    const { id } = await t.caller().runs.queue({
      config: {
        preset: 'tiny-cnn',
        dataset: `folder:${path.relative(path.join(t.dir, 'datasets'), deep)}`,
      },
    });
    const { run } = await t.caller().runs.detail({ id });
    expect(run.name.length).toBe(200);
    expect(run.name.endsWith('…')).toBe(true);
  });
});

describe("runs.queueExperiment (the lab's experiment)", () => {
  it('queues the four lab presets on one dataset as one group', async () => {
    const { groupId, ids } = await t
      .caller()
      .runs.queueExperiment({ dataset: 'synthetic', epochs: 1 });
    expect(ids).toHaveLength(4);
    const { runs } = await t.caller().runs.list({ groupId });
    expect(runs.map((run) => run.preset).sort()).toEqual(
      ['cnn-plus', 'seed-cnn', 'seed-transfer', 'transfer-plus'].sort(),
    );
    expect(new Set(runs.map((run) => run.dataset))).toEqual(new Set(['synthetic']));
    const options = await t.caller().runs.filterOptions();
    expect(options.groups.find((group) => group.groupId === groupId)?.runs).toBe(4);
  });
});

describe('runs.list', () => {
  it('filters by status, preset and dataset and sorts by test accuracy', async () => {
    const caller = t.caller();
    const a = await caller.runs.queue({
      config: { preset: 'seed-cnn', dataset: 'mnist' },
      name: 'A',
    });
    const b = await caller.runs.queue({
      config: { preset: 'seed-cnn', dataset: 'mnist' },
      name: 'B',
    });
    await t.db.run.update({ where: { id: a.id }, data: { status: 'completed', testAcc: 0.6 } });
    await t.db.run.update({ where: { id: b.id }, data: { status: 'completed', testAcc: 0.9 } });

    const completed = await caller.runs.list({
      status: 'completed',
      dataset: 'mnist',
      sort: 'testAcc',
    });
    expect(completed.runs.map((run) => run.name)).toEqual(['B', 'A']);
    const presets = await caller.runs.list({ preset: 'seed-cnn', dataset: 'mnist' });
    expect(presets.runs.every((run) => run.preset === 'seed-cnn')).toBe(true);
    expect((await caller.runs.list({ dataset: 'fashion-mnist' })).runs).toEqual([]);
    expect((await caller.runs.filterOptions()).datasets).toEqual(
      expect.arrayContaining(['mnist', 'synthetic']),
    );
    await expect(caller.runs.list({ sort: 'bogus' as 'newest' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('cancel / retry / delete', () => {
  it('cancels a queued run at once and retries it', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({ config: { preset: 'tiny-cnn' } });
    expect(await caller.runs.cancel({ id })).toMatchObject({ status: 'cancelled' });
    expect(await caller.runs.retry({ id })).toMatchObject({ status: 'queued' });
  });

  it('asks a running run to stop, and refuses to delete it', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({ config: { preset: 'tiny-cnn' } });
    await t.db.run.update({ where: { id }, data: { status: 'running' } });
    expect(await caller.runs.cancel({ id })).toMatchObject({
      status: 'running',
      cancelRequested: true,
    });
    await expect(caller.runs.delete({ id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(caller.runs.retry({ id })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('deletes a finished run with its folder', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({ config: { preset: 'tiny-cnn' } });
    await t.db.run.update({ where: { id }, data: { status: 'completed' } });
    const dir = path.join(process.env.CONVLAB_RUNS_DIR ?? '', id);
    mkdirSync(path.join(dir, 'model'), { recursive: true });
    writeFileSync(path.join(dir, 'report.json'), '{}');
    writeFileSync(path.join(dir, 'model', 'model.json'), '{}');
    writeFileSync(path.join(dir, 'model', 'weights.bin'), Buffer.alloc(16));
    const { artifacts } = await caller.runs.detail({ id });
    expect(artifacts.map((file) => file.path)).toEqual([
      'report.json',
      'model/model.json',
      'model/weights.bin',
    ]);

    await caller.runs.delete({ id });
    expect(existsSync(dir)).toBe(false);
    await expect(caller.runs.detail({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.runs.delete({ id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses ids that are not run ids', async () => {
    await expect(t.caller().runs.delete({ id: '../../etc' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('runs.compare', () => {
  it('returns 2–4 runs in the order asked', async () => {
    const caller = t.caller();
    const a = await caller.runs.queue({ config: { preset: 'tiny-cnn' } });
    const b = await caller.runs.queue({ config: { preset: 'seed-cnn' } });
    const { runs } = await caller.runs.compare({ ids: [b.id, a.id] });
    expect(runs.map((run) => run.id)).toEqual([b.id, a.id]);
    await expect(caller.runs.compare({ ids: [a.id] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.runs.compare({ ids: [a.id, a.id] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(caller.runs.compare({ ids: [a.id, 'rnope'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
