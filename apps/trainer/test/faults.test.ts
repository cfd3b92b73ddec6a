/**
 * The daemon's fault tolerance, on a real SQLite file with real trainer processes: kill -9, cancel,
 * SIGTERM, poisoned runs and two daemons sharing one queue.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, TINY_RUN, waitFor, type Sandbox } from './harness.ts';

const TINY = TINY_RUN;
const LEASE = { CONVLAB_LEASE_MS: '2000' };

describe('trainer daemon faults', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = createSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  async function epochsOf(runId: string): Promise<number[]> {
    const rows = await sandbox
      .db()
      .epochMetric.findMany({ where: { runId }, orderBy: { epoch: 'asc' } });
    return rows.map((row) => row.epoch);
  }

  async function runOf(runId: string) {
    return sandbox.db().run.findUniqueOrThrow({ where: { id: runId } });
  }

  it('resumes from the last checkpoint after the daemon is killed with SIGKILL', async () => {
    const id = await sandbox.queue([...TINY, '--epochs', '6']);
    const first = sandbox.startTrainer(['--concurrency', '1'], LEASE);
    await waitFor(async () => (await epochsOf(id)).length >= 2, { what: 'two epochs' });
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await runOf(id)).status).toBe('running');

    // Once the lease has expired, a restarted daemon requeues the run and resumes it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const second = sandbox.startTrainer(['--once', '--concurrency', '1'], LEASE);
    expect((await second.exited).code, second.output()).toBe(0);

    const run = await runOf(id);
    expect(run.status).toBe('completed');
    expect(run.attempts).toBe(2);
    expect(run.resumedFromEpoch).toBeGreaterThanOrEqual(2);
    expect(await epochsOf(id)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cancels a running run within a batch and keeps its partial metrics', async () => {
    const id = await sandbox.queue([...TINY, '--epochs', '200']);
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1']);
    await waitFor(async () => (await epochsOf(id)).length >= 1, { what: 'first epoch' });
    const cancel = await sandbox.cli(['cancel', id]);
    expect(cancel.code).toBe(0);
    const run = await waitFor(
      async () => {
        const current = await runOf(id);
        return current.status === 'cancelled' ? current : null;
      },
      { timeoutMs: 15_000, what: 'cancelled status' },
    );
    expect(run.finishedAt).not.toBeNull();
    expect((await epochsOf(id)).length).toBeGreaterThanOrEqual(1);
    expect((await epochsOf(id)).length).toBeLessThan(200);
    expect((await trainer.exited).code).toBe(0);
  });

  it('hands a run back to the queue on SIGTERM and loses no epochs', async () => {
    const id = await sandbox.queue([...TINY, '--epochs', '5']);
    const trainer = sandbox.startTrainer(['--concurrency', '1']);
    await waitFor(async () => (await epochsOf(id)).length >= 1, { what: 'first epoch' });
    const signalledAt = Date.now();
    trainer.child.kill('SIGTERM');
    const exit = await trainer.exited;
    expect(exit.code, trainer.output()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);

    const released = await runOf(id);
    expect(released.status).toBe('queued');
    expect(released.workerId).toBeNull();
    const kept = await epochsOf(id);
    expect(kept.length).toBeGreaterThanOrEqual(1);

    const again = sandbox.startTrainer(['--once', '--concurrency', '1']);
    expect((await again.exited).code, again.output()).toBe(0);
    const run = await runOf(id);
    expect(run.status).toBe('completed');
    expect(run.resumedFromEpoch).toBeGreaterThanOrEqual(kept.length);
    expect(await epochsOf(id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails poisoned runs with their message and keeps serving the queue', async () => {
    // 1. Weights in an allowed place (so queueing accepts them) that are not a model.
    const weightsRoot = path.join(sandbox.dir, 'weights');
    mkdirSync(path.join(weightsRoot, 'broken'), { recursive: true });
    writeFileSync(path.join(weightsRoot, 'broken', 'model.json'), '{ not json');
    const weightsEnv = { CONVLAB_WEIGHTS_ROOTS: weightsRoot };
    const queued = await sandbox.cli(
      [
        'queue',
        '--preset',
        'seed-transfer',
        '--dataset',
        'synthetic',
        '--epochs',
        '1',
        '--train-limit',
        '100',
        '--weights-url',
        `file://${path.join(weightsRoot, 'broken', 'model.json')}`,
        '--json',
      ],
      weightsEnv,
    );
    expect(queued.code, queued.stderr).toBe(0);
    const badWeights = (JSON.parse(queued.stdout) as { id: string }).id;
    // 2. A corrupt (truncated) CIFAR-10 file.
    const dataDir = path.join(sandbox.dir, 'datasets');
    const cifarDir = path.join(dataDir, 'cifar10', 'cifar-10-batches-bin');
    mkdirSync(cifarDir, { recursive: true });
    for (const file of [
      'data_batch_1',
      'data_batch_2',
      'data_batch_3',
      'data_batch_4',
      'data_batch_5',
      'test_batch',
    ]) {
      writeFileSync(path.join(cifarDir, `${file}.bin`), Buffer.alloc(3073 * 10, 7));
    }
    const corrupt = await sandbox.queue([
      '--preset',
      'tiny-cnn',
      '--dataset',
      'cifar10',
      '--epochs',
      '1',
    ]);
    // 3. An invalid config written straight into the database, past every API check.
    const injected = await sandbox.queue([...TINY, '--epochs', '1']);
    const stored = await runOf(injected);
    await sandbox.db().run.update({
      where: { id: injected },
      data: { config: JSON.stringify({ ...JSON.parse(stored.config), epochs: -3 }) },
    });
    const good = await sandbox.queue([...TINY, '--epochs', '1']);

    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1'], {
      CONVLAB_DATA_DIR: dataDir,
      ...weightsEnv,
    });
    expect((await trainer.exited).code, trainer.output()).toBe(0);

    const weightsRun = await runOf(badWeights);
    expect(weightsRun.status).toBe('failed');
    expect(weightsRun.error).toMatch(/weights|model\.json|MobileNet/i);
    const corruptRun = await runOf(corrupt);
    expect(corruptRun.status).toBe('failed');
    expect(corruptRun.error).toMatch(/cifar|size|corrupt|truncated|md5/i);
    const injectedRun = await runOf(injected);
    expect(injectedRun.status).toBe('failed');
    expect(injectedRun.error).toMatch(/epochs/);
    // Bad input fails at once: no retries burned on it.
    for (const run of [weightsRun, corruptRun, injectedRun]) expect(run.attempts).toBe(1);
    expect((await runOf(good)).status).toBe('completed');

    const shown = await sandbox.cli(['show', injected]);
    expect(shown.stdout).toMatch(/error:.*epochs/);
  });

  it('fails a config that can never work on attempt 1, with its own message', async () => {
    // A transfer preset without a backbone, written past the API: building the model throws a plain
    // Error every time. It must not be retried (nor requeued while its process still ends).
    const id = await sandbox.queue([...TINY, '--epochs', '1']);
    const stored = await runOf(id);
    await sandbox.db().run.update({
      where: { id },
      data: {
        config: JSON.stringify({
          ...JSON.parse(stored.config),
          preset: 'seed-transfer',
          backbone: null,
        }),
      },
    });
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '2']);
    expect((await trainer.exited).code, trainer.output()).toBe(0);
    const run = await runOf(id);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(1);
    expect(run.error).toMatch(/needs a backbone/);
    expect(run.error).not.toMatch(/exited with code/);
  });

  it('two daemons on one queue complete every run exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(await sandbox.queue([...TINY, '--epochs', '1', '--seed', String(i)]));
    const a = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const b = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const [exitA, exitB] = await Promise.all([a.exited, b.exited]);
    expect(exitA.code, a.output()).toBe(0);
    expect(exitB.code, b.output()).toBe(0);

    const started = [a, b].flatMap((t) =>
      t
        .output()
        .split('\n')
        .filter((line) => line.includes('"event":"run.started"'))
        .map((line) => (JSON.parse(line) as { runId: string }).runId),
    );
    expect([...started].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const run = await runOf(id);
      expect(run.status).toBe('completed');
      expect(run.attempts).toBe(1);
      expect(await epochsOf(id)).toEqual([1]);
    }
  });
});
