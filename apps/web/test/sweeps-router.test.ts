import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, issuesNaming, type TestDatabase } from './harness.ts';

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

const base = { preset: 'tiny-cnn', dataset: 'synthetic' } as const;

describe('sweeps.create', () => {
  it('queues a grid sweep from CLI-style param lines, its trials best first', async () => {
    const { id, runIds } = await t.caller().sweeps.create({
      name: 'lr × bs',
      method: 'grid',
      base: { ...base, trainLimit: 200 },
      params: ['learningRate=0.001,0.01', '', 'batchSize=16,32'],
      maxEpochs: 1,
    });
    expect(id).toMatch(/^s[0-9a-z]+$/);
    expect(runIds).toHaveLength(4);
    const { sweep } = await t.caller().sweeps.detail({ id });
    expect(sweep).toMatchObject({ name: 'lr × bs', method: 'grid', state: 'running' });
    expect(sweep.trials).toHaveLength(4);
    expect(sweep.counts).toEqual({ queued: 4 });
    expect(Object.keys(sweep.definition.space)).toEqual(['learningRate', 'batchSize']);
    const { sweeps } = await t.caller().sweeps.list();
    expect(sweeps.find((s) => s.id === id)?.trials).toBe(4);
    const { runs } = await t.caller().runs.list({ sweepId: id });
    expect(runs.map((run) => run.id).sort()).toEqual([...runIds].sort());
  });

  it('answers a bad param or option with BAD_REQUEST: the one line, the field it names', async () => {
    const before = await t.db.run.count();
    const cases = [
      [{ params: ['lr=log:0:1'] }, 'learningRate'],
      [{ params: ['nonsense=1,2'] }, 'nonsense'],
      [{ params: ['learningRate=uniform:0.001:0.01'] }, 'learningRate'], // grid needs a list
      [{ params: ['learningRate=0.001,5'] }, 'learningRate'], // 5 is above the schema's max
      [{ params: ['learningRate=0.001,0.01'], trials: 3 }, 'trials'],
      [{ params: [] }, 'space'],
    ] as const;
    for (const [input, field] of cases) {
      await expect(
        t.caller().sweeps.create({ method: 'grid', base, ...input, params: [...input.params] }),
        JSON.stringify(input),
      ).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.not.stringContaining('\n') as unknown,
        cause: { issues: issuesNaming(field) },
      });
    }
    expect(await t.db.run.count()).toBe(before);
  });

  it('checks folder datasets as runs.queue does', async () => {
    mkdirSync(path.join(t.dir, 'datasets', 'one', 'only'), { recursive: true });
    for (const dataset of ['folder:/etc', 'folder:one']) {
      await expect(
        t.caller().sweeps.create({
          method: 'grid',
          base: { preset: 'tiny-cnn', dataset },
          params: ['batchSize=16,32'],
        }),
        dataset,
      ).rejects.toMatchObject({ code: 'BAD_REQUEST', cause: { issues: issuesNaming('dataset') } });
    }
  });
});

describe('sweeps.detail and cancel', () => {
  it('is NOT_FOUND for an unknown sweep', async () => {
    await expect(t.caller().sweeps.detail({ id: 's0000000000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(t.caller().sweeps.cancel({ id: 's0000000000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('cancels the queued trials', async () => {
    const { id } = await t.caller().sweeps.create({
      method: 'random',
      base,
      params: ['learningRate=log:1e-4:1e-2'],
      trials: 3,
    });
    expect(await t.caller().sweeps.cancel({ id })).toEqual({ id, cancelled: 3, stopping: 0 });
    const { sweep } = await t.caller().sweeps.detail({ id });
    expect(sweep.state).toBe('cancelled');
    expect(sweep.counts).toEqual({ cancelled: 3 });
  });

  it('needs write access to create or cancel', async () => {
    const readOnly = t.caller({ policy: { loopback: false, token: 'secret', publicReads: true } });
    await expect(readOnly.sweeps.list()).resolves.toBeDefined();
    await expect(
      readOnly.sweeps.create({ method: 'grid', base, params: ['batchSize=16,32'] }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('runs.annotate and runs.tags', () => {
  it('saves tags and a note, lists tags, and filters the leaderboard by tag', async () => {
    const { id } = await t.caller().runs.queue({ config: base });
    const saved = await t
      .caller()
      .runs.annotate({ id, tags: ['baseline', 'e2e', 'baseline'], note: '  first try  ' });
    expect(saved).toEqual({ id, tags: ['baseline', 'e2e'], note: 'first try' });
    const { run } = await t.caller().runs.detail({ id });
    expect(run.tags).toEqual(['baseline', 'e2e']);
    expect(run.note).toBe('first try');
    expect((await t.caller().runs.tags()).tags).toContainEqual({ tag: 'baseline', runs: 1 });
    const { runs } = await t.caller().runs.list({ tag: 'baseline' });
    expect(runs.map((r) => r.id)).toEqual([id]);
    await t.caller().runs.annotate({ id, note: null });
    expect((await t.caller().runs.detail({ id })).run.note).toBeNull();
  });

  it('rejects bad tags with BAD_REQUEST and unknown runs with NOT_FOUND', async () => {
    const { id } = await t.caller().runs.queue({ config: base });
    await expect(t.caller().runs.annotate({ id, tags: ['no spaces'] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      t.caller().runs.annotate({ id: 'r000000000abcdef', tags: ['x'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
