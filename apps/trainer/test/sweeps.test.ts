import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from './harness.ts';

interface SweepJson {
  id: string;
  method: string;
  state: string;
  rungEpochs: number[] | null;
  counts: Record<string, number>;
  trials: {
    id: string;
    status: string;
    rung: number | null;
    epochsDone: number;
    bestValAcc: number | null;
    params: Record<string, unknown>;
  }[];
  bestConfig: { learningRate: number } | null;
}

const SMALL = ['--train-limit', '200', '--test-limit', '100'];

describe('convlab sweep', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = createSandbox();
    expect((await sandbox.cli(['migrate'])).code).toBe(0);
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  const showSweep = async (id: string): Promise<SweepJson> => {
    const shown = await sandbox.cli(['sweep', 'show', id, '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    return JSON.parse(shown.stdout) as SweepJson;
  };

  it('rejects an invalid space with one line naming the param, and queues nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--param', 'lr=log:0:1e-2'], /--param lr: .*above 0/],
      [['--param', 'batchSize=64,abc'], /batchSize/],
      [['--param', 'nosuchfield=1,2'], /nosuchfield/],
      [['--param', 'lr=5,0.01'], /--param learningRate: Too big.*value 5/],
      [['--param', 'dropout=uniform:0.5:0.1'], /dropout/],
      [['--param', 'preset=seed-cnn,tiny-cnn'], /preset/],
      [['--param', 'batchSize'], /batchSize/],
    ];
    for (const [params, field] of cases) {
      const result = await sandbox.cli([
        'sweep',
        'create',
        '--preset',
        'tiny-cnn',
        '--dataset',
        'synthetic',
        '--method',
        'grid',
        ...params,
        '--json',
      ]);
      expect(result.code, params.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(field);
    }
    expect(JSON.parse((await sandbox.cli(['runs', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await sandbox.cli(['sweep', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('a 2×2 grid queues 4 runs with exactly those params, listed, exported and cancelled', async () => {
    const created = await sandbox.cli([
      'sweep',
      'create',
      '--preset',
      'tiny-cnn',
      '--dataset',
      'synthetic',
      '--method',
      'grid',
      '--param',
      'lr=0.001,0.01',
      '--param',
      'batchSize=16,32',
      '--max-epochs',
      '1',
      '--name',
      'grid check',
      ...SMALL,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { id, runIds } = JSON.parse(created.stdout) as { id: string; runIds: string[] };
    expect(runIds).toHaveLength(4);
    const sweep = await showSweep(id);
    expect(sweep.method).toBe('grid');
    expect(sweep.trials.map((t) => t.params).sort(byJson)).toEqual(
      [
        { learningRate: 0.001, batchSize: 16 },
        { learningRate: 0.001, batchSize: 32 },
        { learningRate: 0.01, batchSize: 16 },
        { learningRate: 0.01, batchSize: 32 },
      ].sort(byJson),
    );
    const runs = JSON.parse((await sandbox.cli(['runs', '--sweep', id, '--json'])).stdout) as {
      id: string;
    }[];
    expect(runs.map((r) => r.id).sort()).toEqual([...runIds].sort());
    const csv = (await sandbox.cli(['sweep', 'show', id, '--csv'])).stdout.trimEnd().split('\r\n');
    expect(csv[0]).toBe('id,name,status,rung,epochsDone,bestValAcc,testAcc,learningRate,batchSize');
    expect(csv).toHaveLength(5);
    const text = await sandbox.cli(['sweep', 'show', id]);
    expect(text.stdout).toContain('grid check');
    expect((await sandbox.cli(['sweep', 'list'])).stdout).toContain(id);

    const cancelled = await sandbox.cli(['sweep', 'cancel', id, '--json']);
    expect(JSON.parse(cancelled.stdout)).toEqual({ id, cancelled: 4, stopping: 0 });
    expect((await showSweep(id)).state).toBe('cancelled');
    const missing = await sandbox.cli(['sweep', 'cancel', 'no-such-sweep']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim()).toBe('convlab: no sweep with id no-such-sweep');
  });

  it('ASHA: 9 trials, η = 3, two daemons → 9, 3 and 1 trials reach the rungs, each resuming', async () => {
    const created = await sandbox.cli([
      'sweep',
      'create',
      '--preset',
      'tiny-cnn',
      '--dataset',
      'synthetic',
      '--method',
      'asha',
      '--param',
      'lr=log:3e-4:3e-2',
      '--trials',
      '9',
      '--max-epochs',
      '9',
      '--eta',
      '3',
      '--seed',
      '7',
      ...SMALL,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { id, runIds } = JSON.parse(created.stdout) as { id: string; runIds: string[] };
    expect(runIds).toHaveLength(9);

    const a = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const b = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const [exitA, exitB] = await Promise.all([a.exited, b.exited]);
    expect(exitA.code, a.output()).toBe(0);
    expect(exitB.code, b.output()).toBe(0);

    const sweep = await showSweep(id);
    expect(sweep.rungEpochs).toEqual([1, 3, 9]);
    expect(sweep.state).toBe('finished');
    expect(sweep.counts).toEqual({ completed: 1, pruned: 8 });
    const reached = (epochs: number) => sweep.trials.filter((t) => t.epochsDone >= epochs).length;
    expect([reached(1), reached(3), reached(9)]).toEqual([9, 3, 1]);
    // The best trial is the completed one, first.
    expect(sweep.trials[0]?.status).toBe('completed');
    expect(sweep.bestConfig?.learningRate).toBe(sweep.trials[0]?.params.learningRate);

    // Epoch rows: continuous, each exactly once; pruned trials stopped at a rung below the top.
    const db = sandbox.db();
    for (const trial of sweep.trials) {
      const rows = await db.epochMetric.findMany({
        where: { runId: trial.id },
        orderBy: { id: 'asc' },
      });
      const epochs = rows.map((row) => row.epoch);
      expect(epochs, trial.id).toEqual(Array.from({ length: epochs.length }, (_, i) => i + 1));
      if (trial.status === 'pruned') expect([1, 3]).toContain(epochs.length);
      else expect(epochs).toHaveLength(9);
    }

    // Promotions resumed from the rung's checkpoint, never from scratch: 3 resumes at epoch 1 and
    // 1 at epoch 3, across both daemons.
    const resumes = [a.output(), b.output()]
      .flatMap((output) => output.split('\n'))
      .flatMap((line) => {
        try {
          const entry = JSON.parse(line) as { event?: string; epoch?: number; runId?: string };
          return entry.event === 'run.resume' ? [entry] : [];
        } catch {
          return [];
        }
      });
    expect(resumes.map((r) => r.epoch).sort()).toEqual([1, 1, 1, 3]);
    expect(new Set(resumes.map((r) => `${r.runId}@${r.epoch}`)).size).toBe(4);
  }, 600_000);
});

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
