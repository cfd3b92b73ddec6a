import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  annotateRun,
  cancelSweep,
  claimNextRun,
  completeRun,
  createDb,
  createSweep,
  enqueueRun,
  finishTrialRung,
  getSweepDetail,
  InvalidSweepError,
  listRuns,
  listRunTags,
  listSweeps,
  recordEpochMetric,
  sweepToCsv,
  type PrismaClient,
} from '../src/index.ts';
import { createTempDatabase, createWorker, TEST_PROVIDERS, type TempDatabase } from './helpers.ts';

const base = { preset: 'tiny-cnn', dataset: 'synthetic' };

/** A trial's made-up val accuracy: its learning rate decides how good it is, and it grows per epoch. */
function valAcc(learningRate: number, epoch: number): number {
  return Math.min(0.99, learningRate * 100 + epoch * 0.001);
}

/**
 * A stand-in trainer: claims a run, records its epochs up to its epochLimit (or its config's end),
 * then finishes the rung (ASHA) or completes it. Returns false when the queue is empty.
 */
async function trainOne(db: PrismaClient, workerId: string): Promise<boolean> {
  const run = await claimNextRun(db, { workerId, leaseMs: 60_000 });
  if (!run) return false;
  const config = JSON.parse(run.config) as { epochs: number; learningRate: number };
  const last = run.epochLimit ?? config.epochs;
  for (let epoch = (run.currentEpoch ?? 0) + 1; epoch <= last; epoch++) {
    const acc = valAcc(config.learningRate, epoch);
    await recordEpochMetric(db, run.id, {
      epoch,
      loss: 1,
      acc,
      valLoss: 1,
      valAcc: acc,
      lr: config.learningRate,
      seconds: 0.1,
    });
  }
  if (run.epochLimit === null) await completeRun(db, run.id, {});
  else expect(await finishTrialRung(db, run.id, workerId)).not.toBeNull();
  return true;
}

describe.each(TEST_PROVIDERS)('sweeps on %s', (provider) => {
  let temp: TempDatabase;
  let workerId: string;
  beforeEach(async () => {
    temp = await createTempDatabase(provider);
    workerId = await createWorker(temp.db);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('a 2×2 grid queues 4 runs with exactly those params', async () => {
    const { sweep, runIds } = await createSweep(temp.db, {
      definition: {
        method: 'grid',
        base,
        space: {
          learningRate: { kind: 'choice', values: [1e-3, 3e-3] },
          batchSize: { kind: 'choice', values: [16, 32] },
        },
      },
    });
    expect(runIds).toHaveLength(4);
    const runs = await listRuns(temp.db, { sweepId: sweep.id, sort: 'oldest' });
    expect(runs.map((r) => r.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    const params = runs.map((r) => {
      const config = JSON.parse(r.config) as { learningRate: number; batchSize: number };
      return [config.learningRate, config.batchSize];
    });
    expect(params.sort()).toEqual([
      [1e-3, 16],
      [1e-3, 32],
      [3e-3, 16],
      [3e-3, 32],
    ]);
    const detail = await getSweepDetail(temp.db, sweep.id);
    expect(detail?.state).toBe('running');
    expect(detail?.trials).toHaveLength(4);
    expect(detail?.trials[0]?.params).toHaveProperty('batchSize');
  });

  it('rejects an invalid space with one line naming the param, and writes nothing', async () => {
    await expect(
      createSweep(temp.db, {
        definition: {
          method: 'grid',
          base,
          space: { batchSize: { kind: 'choice', values: [16, 5000] } },
        },
      }),
    ).rejects.toThrow(/^invalid --param batchSize: .*5000/);
    await expect(
      createSweep(temp.db, {
        definition: {
          method: 'grid',
          base,
          space: { learningRate: { kind: 'uniform', min: 0, max: 1 } },
        },
      }),
    ).rejects.toBeInstanceOf(InvalidSweepError);
    expect(await temp.db.sweep.count()).toBe(0);
    expect(await temp.db.run.count()).toBe(0);
  });

  it('ASHA: 9 trials, η = 3 → 9, 3 and 1 trials reach the rungs; the rest end pruned', async () => {
    const { sweep, runIds } = await createSweep(temp.db, {
      definition: {
        method: 'asha',
        base,
        space: { learningRate: { kind: 'log-uniform', min: 1e-4, max: 9e-3 } },
        trials: 9,
        maxEpochs: 9,
        eta: 3,
        seed: 3,
      },
    });
    expect(runIds).toHaveLength(9);
    // Two deciders finishing rungs concurrently: on PostgreSQL over two connections. better-sqlite3
    // is synchronous, so a second connection in this process would block the first one's open
    // transaction; SQLite's several-process case is the trainer's two-daemon test.
    const other = provider === 'postgresql' ? createDb({ url: temp.url }) : temp.db;
    const otherWorker = await createWorker(other);
    try {
      const work = async (db: PrismaClient, id: string) => {
        while (await trainOne(db, id));
      };
      await Promise.all([work(temp.db, workerId), work(other, otherWorker)]);
    } finally {
      if (other !== temp.db) await other.$disconnect();
    }
    const detail = await getSweepDetail(temp.db, sweep.id);
    if (!detail) throw new Error('no sweep');
    expect(detail.rungEpochs).toEqual([1, 3, 9]);
    expect(detail.state).toBe('finished');
    const reached = (epochs: number) => detail.trials.filter((t) => t.epochsDone >= epochs).length;
    expect([reached(1), reached(3), reached(9)]).toEqual([9, 3, 1]);
    expect(detail.counts).toEqual({ completed: 1, pruned: 8 });
    // Pruned trials never trained past their rung; the winner is the best learning rate.
    for (const trial of detail.trials) {
      if (trial.status === 'pruned')
        expect(trial.epochsDone).toBe(detail.rungEpochs?.[trial.rung ?? 0]);
    }
    const rates = detail.trials.map((t) => Number(t.params.learningRate));
    expect(detail.trials[0]?.status).toBe('completed');
    expect(rates[0]).toBe(Math.max(...rates));
    expect(detail.bestConfig?.learningRate).toBe(rates[0]);
    expect(sweepToCsv(detail).split('\r\n')[0]).toBe(
      'id,name,status,rung,epochsDone,bestValAcc,testAcc,learningRate',
    );
    expect((await listSweeps(temp.db))[0]).toMatchObject({ id: sweep.id, trials: 9 });
  });

  it('maxConcurrent holds a sweep’s further trials back', async () => {
    const { runIds } = await createSweep(temp.db, {
      definition: {
        method: 'grid',
        base,
        space: { learningRate: { kind: 'choice', values: [1e-3, 2e-3, 3e-3] } },
        maxConcurrent: 1,
      },
    });
    const other = await enqueueRun(temp.db, { config: base });
    const first = await claimNextRun(temp.db, { workerId, leaseMs: 60_000 });
    expect(runIds).toContain(first?.id);
    // The sweep's other trials are older than `other`, but wait for the running one.
    expect((await claimNextRun(temp.db, { workerId, leaseMs: 60_000 }))?.id).toBe(other.id);
    expect(await claimNextRun(temp.db, { workerId, leaseMs: 60_000 })).toBeNull();
    await completeRun(temp.db, first?.id ?? '', {});
    expect(runIds).toContain((await claimNextRun(temp.db, { workerId, leaseMs: 60_000 }))?.id);
  });

  it('cancelling a sweep cancels its queued trials and stops its running ones', async () => {
    const { sweep } = await createSweep(temp.db, {
      definition: {
        method: 'random',
        base,
        space: { dropout: { kind: 'uniform', min: 0, max: 0.5 } },
        trials: 3,
      },
    });
    const running = await claimNextRun(temp.db, { workerId, leaseMs: 60_000 });
    expect(await cancelSweep(temp.db, sweep.id)).toEqual({ cancelled: 2, stopping: 1 });
    await expect(cancelSweep(temp.db, 's-missing')).rejects.toThrow(/no sweep with id s-missing/);
    const detail = await getSweepDetail(temp.db, sweep.id);
    expect(detail?.state).toBe('cancelled');
    expect(
      (await temp.db.run.findUnique({ where: { id: running?.id ?? '' } }))?.cancelRequested,
    ).toBe(true);
  });

  it('tags and notes: stored, validated and filterable', async () => {
    const run = await enqueueRun(temp.db, { config: base, tags: ['baseline', 'lab'] });
    await enqueueRun(temp.db, { config: base });
    await annotateRun(temp.db, run.id, { note: 'the lab’s CNN, unchanged' });
    const tagged = await listRuns(temp.db, { tag: 'lab' });
    expect(tagged.map((r) => r.id)).toEqual([run.id]);
    expect(tagged[0]?.tags).toEqual(['baseline', 'lab']);
    expect(tagged[0]?.note).toBe('the lab’s CNN, unchanged');
    expect(await listRuns(temp.db, { tag: 'la' })).toEqual([]);
    expect(await listRunTags(temp.db)).toEqual([
      { tag: 'baseline', runs: 1 },
      { tag: 'lab', runs: 1 },
    ]);
    expect(await annotateRun(temp.db, run.id, { tags: [] })).toMatchObject({ tags: [] });
    await expect(annotateRun(temp.db, 'r-missing', { note: 'x' })).rejects.toThrow(/no run/);
    await expect(annotateRun(temp.db, run.id, { tags: ['has space'] })).rejects.toThrow(
      /a tag is 1–40 letters/,
    );
  });
});
