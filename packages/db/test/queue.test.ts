import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cancelRun,
  claimNextRun,
  completeRun,
  countRunsByStatus,
  deleteEpochMetricsAfter,
  deleteRun,
  enqueueRun,
  failRun,
  findRun,
  getRunDetail,
  InvalidRunConfigError,
  listRuns,
  listLostWorkers,
  listWorkers,
  markRunCancelled,
  QUEUE_DEPTH_SQL,
  queueDepth,
  recentRunTimings,
  recordEpochMetric,
  saveModelSummary,
  registerWorker,
  releaseRun,
  renewLease,
  requeueStaleRuns,
  retryRun,
  RunStateError,
  saveReport,
  setRunStarted,
  stopWorker,
  updateRunProgress,
  type RunReport,
} from '../src/index.ts';
import { createTempDatabase, createWorker, TEST_PROVIDERS, type TempDatabase } from './helpers.ts';

// The same test bodies on both providers.
describe.each(TEST_PROVIDERS)('on %s', (provider) => {
  let temp: TempDatabase;
  let workerId: string;
  beforeEach(async () => {
    temp = await createTempDatabase(provider);
    workerId = await createWorker(temp.db);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const config = { preset: 'tiny-cnn' } as const;
  const epoch = (n: number, valAcc: number) => ({
    epoch: n,
    loss: 1 / n,
    acc: valAcc + 0.05,
    valLoss: 1.2 / n,
    valAcc,
    lr: 0.003,
    seconds: 0.5,
  });

  const report: RunReport = {
    testLoss: 0.9,
    testAcc: 0.7,
    overfittingGap: 0.05,
    classNames: ['cat', 'dog'],
    perClass: [
      { label: 'cat', precision: 0.7, recall: 0.8, f1: 0.75, support: 10 },
      { label: 'dog', precision: 0.75, recall: 0.6, f1: 0.67, support: 10 },
    ],
    macroAvg: { precision: 0.725, recall: 0.7, f1: 0.71, support: 20 },
    weightedAvg: { precision: 0.725, recall: 0.7, f1: 0.71, support: 20 },
    confusionMatrix: [
      [8, 2],
      [4, 6],
    ],
    misclassified: [{ index: 3, trueLabel: 'dog', predictedLabel: 'cat', confidence: 0.9 }],
  };

  async function claim() {
    return claimNextRun(temp.db, { workerId, leaseMs: 60_000 });
  }

  describe('enqueueRun', () => {
    it('stores the fully resolved config and a short URL-safe id', async () => {
      const run = await enqueueRun(temp.db, {
        config: { preset: 'seed-cnn', epochs: 2 },
        groupId: 'lab-1',
      });
      expect(run.id).toMatch(/^r[0-9a-z]{15}$/);
      expect(run).toMatchObject({
        status: 'queued',
        preset: 'seed-cnn',
        presetVersion: 1,
        dataset: 'cifar10',
        groupId: 'lab-1',
        attempts: 0,
      });
      expect(run.name).toBe('seed-cnn on cifar10');
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.config).toMatchObject({
        preset: 'seed-cnn',
        epochs: 2,
        batchSize: 128,
        learningRate: 1e-3,
      });
    });

    it('still reads a run whose stored config no longer validates, with the reason', async () => {
      const run = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
      const stored = JSON.parse(run.config) as Record<string, unknown>;
      await temp.db.run.update({
        where: { id: run.id },
        data: { config: JSON.stringify({ ...stored, epochs: -3 }) },
      });
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.config).toBeNull();
      expect(detail?.configError).toMatch(/epochs/);
    });

    it('rejects an invalid config with one line naming the field', async () => {
      const attempt = enqueueRun(temp.db, { config: { preset: 'tiny-cnn', learningRate: -1 } });
      await expect(attempt).rejects.toBeInstanceOf(InvalidRunConfigError);
      await expect(
        enqueueRun(temp.db, { config: { preset: 'tiny-cnn', learningRate: -1 } }),
      ).rejects.toThrow(/^invalid run config: learningRate: /);
      await expect(enqueueRun(temp.db, { config: { preset: 'nope' } })).rejects.toThrow(/preset/);
      await expect(enqueueRun(temp.db, { config, priority: 1.5 })).rejects.toThrow(/priority/);
    });
  });

  describe('queueDepth (the SQL a scheduler scales trainers on)', () => {
    it('counts queued runs, drops a run once claimed, ignores cancelled and finished ones', async () => {
      const depth = () => queueDepth(temp.db);
      expect(await depth()).toBe(0);
      const [a, b, c] = [
        await enqueueRun(temp.db, { config }),
        await enqueueRun(temp.db, { config }),
        await enqueueRun(temp.db, { config }),
      ];
      expect(await depth()).toBe(3);
      // The same SQL, as KEDA runs it: one row, one number.
      const raw = await temp.db.$queryRawUnsafe<{ depth: bigint | number }[]>(QUEUE_DEPTH_SQL);
      expect(Number(raw[0]?.depth)).toBe(3);
      const claimed = await claim();
      expect(claimed?.id).toBe(a?.id);
      expect(await depth()).toBe(2);
      await cancelRun(temp.db, b?.id ?? '');
      expect(await depth()).toBe(1);
      await completeRun(temp.db, a?.id ?? '');
      expect(await depth()).toBe(1);
      await claim();
      await failRun(temp.db, c?.id ?? '', 'boom', { retryable: false });
      expect(await depth()).toBe(0);
    });
  });

  describe('claimNextRun', () => {
    it('takes the highest priority first, then the oldest', async () => {
      const low = await enqueueRun(temp.db, { config, name: 'low' });
      const highOld = await enqueueRun(temp.db, { config, name: 'high-old', priority: 5 });
      const highNew = await enqueueRun(temp.db, { config, name: 'high-new', priority: 5 });
      const order = [(await claim())?.id, (await claim())?.id, (await claim())?.id, await claim()];
      expect(order).toEqual([highOld.id, highNew.id, low.id, null]);
    });

    it('returns a typed run with Dates, the worker and the lease', async () => {
      await enqueueRun(temp.db, { config });
      const before = Date.now();
      const run = await claimNextRun(temp.db, { workerId, leaseMs: 5_000 });
      expect(run?.status).toBe('running');
      expect(run?.workerId).toBe(workerId);
      expect(run?.attempts).toBe(1);
      expect(run?.cancelRequested).toBe(false);
      expect(run?.createdAt).toBeInstanceOf(Date);
      expect(run?.startedAt).toBeInstanceOf(Date);
      expect(run?.leaseExpiresAt?.getTime()).toBeGreaterThanOrEqual(before + 5_000);
      // Raw writes store dates in the same format as Prisma: reading back through Prisma agrees.
      const stored = await temp.db.run.findUniqueOrThrow({ where: { id: run?.id ?? '' } });
      expect(stored.leaseExpiresAt).toEqual(run?.leaseExpiresAt);
    });
  });

  describe('leases', () => {
    it('renewLease extends our lease and reports a cancel request; a run that is not ours is not owned', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      expect(await renewLease(temp.db, run.id, workerId, 1_000)).toEqual({
        owned: true,
        cancelRequested: false,
      });
      const other = await createWorker(temp.db, 'other');
      expect(await renewLease(temp.db, run.id, other, 1_000)).toEqual({
        owned: false,
        cancelRequested: false,
      });
      await cancelRun(temp.db, run.id);
      expect(await renewLease(temp.db, run.id, workerId, 1_000)).toEqual({
        owned: true,
        cancelRequested: true,
      });
    });

    it('requeues expired leases, counting attempts, and gives up after maxAttempts', async () => {
      const run = await enqueueRun(temp.db, { config, maxAttempts: 2 });
      await claimNextRun(temp.db, { workerId, leaseMs: 1_000 });
      expect(await requeueStaleRuns(temp.db)).toEqual([]); // not expired yet

      const later = new Date(Date.now() + 2_000);
      const [requeued] = await requeueStaleRuns(temp.db, { now: later });
      expect(requeued).toMatchObject({
        id: run.id,
        status: 'queued',
        attempts: 1,
        workerId: null,
        leaseExpiresAt: null,
      });

      await claimNextRun(temp.db, { workerId, leaseMs: 1_000 });
      const [failed] = await requeueStaleRuns(temp.db, { now: new Date(Date.now() + 2_000) });
      expect(failed).toMatchObject({ id: run.id, status: 'failed', attempts: 2 });
      expect(failed?.error).toMatch(/lease expired 2 times/);
      expect(failed?.finishedAt).toBeInstanceOf(Date);
    });

    it('the maxAttempts option overrides the per-run limit', async () => {
      await enqueueRun(temp.db, { config, maxAttempts: 5 });
      await claimNextRun(temp.db, { workerId, leaseMs: 1 });
      const [run] = await requeueStaleRuns(temp.db, {
        now: new Date(Date.now() + 1_000),
        maxAttempts: 1,
      });
      expect(run?.status).toBe('failed');
    });
  });

  describe('finishing runs', () => {
    it('completeRun stores results; completing a run that is not running is an error', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      const done = await completeRun(temp.db, run.id, {
        paramCount: 1234,
        bestEpoch: 2,
        trainSeconds: 3.5,
      });
      expect(done).toMatchObject({
        status: 'completed',
        paramCount: 1234,
        bestEpoch: 2,
        trainSeconds: 3.5,
      });
      expect(done.finishedAt).toBeInstanceOf(Date);
      await expect(completeRun(temp.db, run.id)).rejects.toBeInstanceOf(RunStateError);
    });

    it('keeps where the time went, the plan before a run starts, and what went wrong with learning', async () => {
      const transfer = await enqueueRun(temp.db, {
        config: { preset: 'transfer-plus', epochs: 5, fineTuneEpochs: 4 },
      });
      // Queued: the epochs it will train are known from its config (5 frozen + 4 fine-tune).
      expect((await listRuns(temp.db)).find((r) => r.id === transfer.id)).toMatchObject({
        plannedEpochs: 9,
        timing: null,
        verdicts: [],
      });
      await cancelRun(temp.db, transfer.id);

      const run = await enqueueRun(temp.db, { config });
      await claim();
      // Still rising at its last epoch, and barely above guessing between 2 classes.
      for (const [n, valAcc] of [0.4, 0.45, 0.5, 0.53, 0.56].entries())
        await recordEpochMetric(temp.db, run.id, epoch(n + 1, valAcc));
      await saveReport(temp.db, run.id, { ...report, testAcc: 0.52 });
      const timing = {
        seconds: { loading: 1, caching: 0, training: 8, validation: 1, evaluation: 0.5 },
        imagesPerSecond: 625,
        phases: [
          { phase: 'train' as const, epochs: 5, images: 5000, seconds: 8, imagesPerSecond: 625 },
        ],
      };
      const summary = {
        name: 'tiny_cnn',
        layers: [
          {
            name: 'dense',
            kind: 'Dense',
            outputShape: [2],
            params: 10,
            trainable: true,
            backbone: false,
            fineTuned: false,
          },
        ],
        totalParams: 10,
        trainableParams: 10,
        nonTrainableParams: 0,
        fineTunedParams: 0,
      };
      await saveModelSummary(temp.db, run.id, summary);
      await expect(
        saveModelSummary(temp.db, run.id, { ...summary, totalParams: -1 }),
      ).rejects.toThrow(/invalid model summary/);
      await completeRun(temp.db, run.id, { trainSeconds: 10.5, timing });
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.timing).toEqual(timing);
      expect(detail?.modelSummary).toEqual(summary);
      // Listings leave the (large) architecture out.
      expect((await listRuns(temp.db))[0]).not.toHaveProperty('modelSummary');
      expect(detail?.verdicts.map((v) => v.kind)).toEqual(['near-chance', 'still-improving']);
      expect((await listRuns(temp.db)).find((r) => r.id === run.id)).toMatchObject({
        timing,
        plannedEpochs: 3,
        verdicts: detail?.verdicts,
      });
      // Like runs only: the preset at its input size (and backend, when asked).
      expect(await recentRunTimings(temp.db, { preset: 'tiny-cnn', inputSize: 32 })).toEqual([
        timing,
      ]);
      for (const other of [
        { preset: 'seed-cnn', inputSize: 32 },
        { preset: 'tiny-cnn', inputSize: 64 },
        { preset: 'tiny-cnn', inputSize: 32, backend: 'webgpu' },
      ])
        expect(await recentRunTimings(temp.db, other)).toEqual([]);
      await expect(
        completeRun(temp.db, run.id, { timing: { ...timing, imagesPerSecond: -1 } }),
      ).rejects.toThrow(/invalid run results: .*imagesPerSecond/);
    });

    it('failRun requeues retryable failures while attempts remain, then fails with the last error', async () => {
      const run = await enqueueRun(temp.db, { config, maxAttempts: 2 });
      await claim();
      expect(await failRun(temp.db, run.id, 'crashed once', { retryable: true })).toMatchObject({
        status: 'queued',
        error: 'crashed once',
        attempts: 1,
      });
      await claim();
      const failed = await failRun(temp.db, run.id, 'crashed twice', { retryable: true });
      expect(failed).toMatchObject({ status: 'failed', error: 'crashed twice', attempts: 2 });
    });

    it('failRun with a permanent error fails at once', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      expect(await failRun(temp.db, run.id, 'bad dataset', { retryable: false })).toMatchObject({
        status: 'failed',
        attempts: 1,
      });
    });

    it('cancelRun cancels a queued run at once and asks a running run to stop', async () => {
      const queued = await enqueueRun(temp.db, { config, priority: -1 });
      const running = await enqueueRun(temp.db, { config });
      await claim();
      expect(await cancelRun(temp.db, queued.id)).toMatchObject({ status: 'cancelled' });
      expect(await cancelRun(temp.db, running.id)).toMatchObject({
        status: 'running',
        cancelRequested: true,
      });
      expect(await markRunCancelled(temp.db, running.id)).toMatchObject({
        status: 'cancelled',
        workerId: null,
      });
      expect(await cancelRun(temp.db, running.id)).toMatchObject({ status: 'cancelled' }); // idempotent
      expect(await claim()).toBeNull();
    });

    it('a completed run cannot be cancelled', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      await completeRun(temp.db, run.id);
      await expect(cancelRun(temp.db, run.id)).rejects.toThrow(
        /cannot cancel run .* it is completed/,
      );
    });

    it('releaseRun hands a run back without counting the attempt', async () => {
      const run = await enqueueRun(temp.db, { config, maxAttempts: 1 });
      await claim();
      expect(await releaseRun(temp.db, run.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        workerId: null,
        leaseExpiresAt: null,
      });
      expect((await claim())?.attempts).toBe(1);
    });

    it('retryRun requeues a failed run from scratch, dropping its epochs and report', async () => {
      const run = await enqueueRun(temp.db, { config, maxAttempts: 1 });
      await claim();
      await setRunStarted(temp.db, run.id, {
        backend: 'webgpu',
        backendDevice: 'NVIDIA H200 (nvidia)',
      });
      await recordEpochMetric(temp.db, run.id, epoch(1, 0.4));
      await saveReport(temp.db, run.id, report);
      await failRun(temp.db, run.id, 'boom', { retryable: true });
      const retried = await retryRun(temp.db, run.id);
      expect(retried).toMatchObject({
        status: 'queued',
        attempts: 0,
        error: null,
        currentEpoch: null,
        testAcc: null,
        backend: null,
        backendDevice: null,
      });
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.epochs).toEqual([]);
      expect(detail?.report).toBeNull();
      await expect(retryRun(temp.db, run.id)).rejects.toBeInstanceOf(RunStateError);
    });

    it('deleteRun removes a finished run with its epochs, but not a running one', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      await recordEpochMetric(temp.db, run.id, epoch(1, 0.4));
      await expect(deleteRun(temp.db, run.id)).rejects.toBeInstanceOf(RunStateError);
      await completeRun(temp.db, run.id);
      await deleteRun(temp.db, run.id);
      expect(await getRunDetail(temp.db, run.id)).toBeNull();
      expect(await temp.db.epochMetric.count()).toBe(0);
    });
  });

  describe('metrics', () => {
    it('epoch writes are idempotent per epoch and keep the run summary current', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      await recordEpochMetric(temp.db, run.id, epoch(1, 0.4));
      await recordEpochMetric(temp.db, run.id, epoch(2, 0.6));
      await recordEpochMetric(temp.db, run.id, epoch(3, 0.5));
      await recordEpochMetric(temp.db, run.id, epoch(2, 0.62)); // resumed run rewrites epoch 2
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.epochs.map((e) => [e.epoch, e.valAcc])).toEqual([
        [1, 0.4],
        [2, 0.62],
        [3, 0.5],
      ]);
      expect(detail).toMatchObject({
        currentEpoch: 3,
        bestEpoch: 2,
        bestValAcc: 0.62,
        finalValAcc: 0.5,
      });

      expect(await deleteEpochMetricsAfter(temp.db, run.id, 1)).toBe(2);
      expect(await getRunDetail(temp.db, run.id)).toMatchObject({
        currentEpoch: 1,
        bestEpoch: 1,
        bestValAcc: 0.4,
      });
      await expect(
        recordEpochMetric(temp.db, run.id, { ...epoch(2, 0.5), loss: Number.NaN }),
      ).rejects.toThrow(/loss/);
    });

    it('progress and the report are stored and read back parsed', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      await updateRunProgress(temp.db, run.id, {
        currentEpoch: 1,
        totalEpochs: 3,
        batch: 5,
        totalBatches: 10,
        etaSeconds: 12,
      });
      expect(await getRunDetail(temp.db, run.id)).toMatchObject({
        batch: 5,
        totalBatches: 10,
        etaSeconds: 12,
      });
      await saveReport(temp.db, run.id, report);
      await saveReport(temp.db, run.id, { ...report, testAcc: 0.72 }); // replaces
      const detail = await getRunDetail(temp.db, run.id);
      expect(detail?.report).toMatchObject({ ...report, testAcc: 0.72 });
      expect(detail).toMatchObject({ testAcc: 0.72, testLoss: 0.9, macroF1: 0.71 });
      await expect(
        saveReport(temp.db, run.id, { ...report, confusionMatrix: [[1]] }),
      ).rejects.toThrow(/confusionMatrix/);
    });
  });

  describe('read models and workers', () => {
    it('listRuns filters and sorts, newest first by default', async () => {
      const a = await enqueueRun(temp.db, { config, groupId: 'g1' });
      const b = await enqueueRun(temp.db, { config: { preset: 'seed-cnn' }, groupId: 'g1' });
      const c = await enqueueRun(temp.db, { config, priority: 3 });
      expect((await listRuns(temp.db)).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
      expect((await listRuns(temp.db, { groupId: 'g1' })).map((r) => r.id)).toEqual([b.id, a.id]);
      expect((await listRuns(temp.db, { preset: 'seed-cnn' })).map((r) => r.id)).toEqual([b.id]);
      expect((await listRuns(temp.db, { sort: 'priority', limit: 1 })).map((r) => r.id)).toEqual([
        c.id,
      ]);
      await claim();
      expect((await listRuns(temp.db, { status: 'running' })).map((r) => r.id)).toEqual([c.id]);
      expect(await countRunsByStatus(temp.db)).toEqual({
        queued: 2,
        running: 1,
        completed: 0,
        failed: 0,
        cancelled: 0,
        pruned: 0,
      });
      await expect(listRuns(temp.db, { status: 'nope' as 'queued' })).rejects.toThrow(/status/);
    });

    it('reads statuses as core’s RunStatus and refuses a row with another', async () => {
      const run = await enqueueRun(temp.db, { config });
      expect((await getRunDetail(temp.db, run.id))?.status).toBe('queued');
      await temp.db.run.update({ where: { id: run.id }, data: { status: 'paused' } });
      await expect(findRun(temp.db, run.id)).rejects.toThrow(/not a run status: paused/);
      await expect(listRuns(temp.db)).rejects.toThrow(/not a run status/);
      expect((await countRunsByStatus(temp.db)).queued).toBe(0);
    });

    it('a run and a worker carry the backend and the device it computes on', async () => {
      const run = await enqueueRun(temp.db, { config });
      await claim();
      await setRunStarted(temp.db, run.id, {
        backend: 'webgpu',
        backendDevice: 'NVIDIA H200 (nvidia)',
      });
      expect(await getRunDetail(temp.db, run.id)).toMatchObject({
        backend: 'webgpu',
        backendDevice: 'NVIDIA H200 (nvidia)',
      });
      const gpu = await registerWorker(temp.db, {
        host: 'gpu-host',
        pid: 1,
        backend: 'webgpu',
        backendDevice: 'NVIDIA H200 (nvidia)',
        concurrency: 1,
        version: 'test',
      });
      expect(gpu.backendDevice).toBe('NVIDIA H200 (nvidia)');
      // Backends that name no device (wasm, cpu) leave it empty.
      const other = await temp.db.worker.findUniqueOrThrow({ where: { id: workerId } });
      expect(other.backendDevice).toBeNull();
      await expect(
        registerWorker(temp.db, {
          host: 'gpu-host',
          pid: 1,
          backend: 'webgpu',
          backendDevice: 'x'.repeat(201),
          concurrency: 1,
          version: 'test',
        }),
      ).rejects.toThrow();
    });

    it('listWorkers shows live workers only', async () => {
      const other = await createWorker(temp.db, 'other');
      expect(
        (await listWorkers(temp.db, { aliveWithinMs: 60_000 })).map((w) => w.id).sort(),
      ).toEqual([other, workerId].sort());
      await stopWorker(temp.db, other);
      expect((await listWorkers(temp.db, { aliveWithinMs: 60_000 })).map((w) => w.id)).toEqual([
        workerId,
      ]);
      expect(
        await listWorkers(temp.db, { aliveWithinMs: 60_000, now: new Date(Date.now() + 120_000) }),
      ).toEqual([]);
    });

    it('listLostWorkers shows workers that stopped heartbeating without stopping', async () => {
      const other = await createWorker(temp.db, 'other');
      await stopWorker(temp.db, other);
      expect(await listLostWorkers(temp.db, { aliveWithinMs: 60_000 })).toEqual([]);
      const later = { aliveWithinMs: 60_000, now: new Date(Date.now() + 120_000) };
      expect((await listLostWorkers(temp.db, later)).map((w) => w.id)).toEqual([workerId]);
      const muchLater = { ...later, now: new Date(Date.now() + 2 * 86_400_000) };
      expect(await listLostWorkers(temp.db, muchLater)).toEqual([]);
    });
  });
});
