/**
 * Data-parallel training through the real trainer: `queue --workers` refuses what is out of range in
 * one line; a daemon on every core trains a run on 2 worker threads and records it (show --json
 * "workers", with why when the run asked for more than it got); with --concurrency 2 each run gets
 * one worker.
 */
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, tinyRunArgs, type Sandbox, type ShowJson } from './harness.ts';

const twoCores = availableParallelism() >= 2;

describe('data-parallel runs through the trainer', { timeout: 240_000 }, () => {
  let sandbox: Sandbox;

  beforeAll(() => {
    sandbox = createSandbox();
  });

  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('refuses workers that are not an integer from 1 to 64, in one line, and queues nothing', async () => {
    for (const bad of ['0', '-1', '1.5', '65', 'two']) {
      const result = await sandbox.cli(['queue', ...tinyRunArgs(), `--workers=${bad}`, '--json']);
      expect(result.code, bad).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^.*invalid --workers: /);
    }
    const runs = await sandbox.cli(['runs', '--json']);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });

  it('refuses a --threads-per-run that is not an integer from 1 to 64, in one line', async () => {
    for (const bad of ['0', '65', '1.5']) {
      const trainer = sandbox.startTrainer(['--once', `--threads-per-run=${bad}`]);
      const { code } = await trainer.exited;
      expect(code, bad).not.toBe(0);
      expect(trainer.output().trim()).toBe(
        'convlab: invalid --threads-per-run: expected an integer from 1 to 64',
      );
    }
  });

  it.runIf(twoCores)(
    'trains one run on 2 workers and says why it got fewer than it asked for',
    async () => {
      const id = await sandbox.queue([...tinyRunArgs({ epochs: 3 }), '--workers', '8']);
      const trainer = sandbox.startTrainer(['--once', '--threads-per-run', '2']);
      const { code } = await trainer.exited;
      expect(code, trainer.output()).toBe(0);
      const show = await sandbox.cli(['show', id, '--json']);
      const run = JSON.parse(show.stdout) as ShowJson;
      expect(run.status).toBe('completed');
      expect(run.workers).toBe(2);
      expect(run.workersNote).toMatch(/^asked for 8 workers; .*, so it trains on 2$/);
      expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
      // Learning happened: 10 classes, so chance is 0.1.
      expect(run.testAcc).toBeGreaterThan(0.3);
      const text = await sandbox.cli(['show', id]);
      expect(text.stdout).toContain('· 2 workers');
    },
  );

  it.runIf(twoCores)('gives each of 2 concurrent runs one worker by default', async () => {
    const id = await sandbox.queueTinyRun({ epochs: 1 });
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '2'], {
      CONVLAB_THREADS_PER_RUN: '',
    });
    const { code } = await trainer.exited;
    expect(code, trainer.output()).toBe(0);
    const run = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson;
    expect(run).toMatchObject({ workers: 1, workersNote: null });
  });
});
