/**
 * One training run, in its own process (forked by the daemon). It trains, writes each epoch's metrics
 * as the epoch ends, and finishes the run itself: completed, cancelled, handed back (shutdown) or failed.
 * If this process dies instead, the daemon sees the exit and decides (retry from the last checkpoint).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  datasetOptionsFromConfig,
  describeConfigError,
  evaluationSecondsFrom,
  initBackend,
  loadDataset,
  phaseRatesFrom,
  readCheckpointEpoch,
  runArtifactPaths,
  runConfigSchema,
  plannedRunEpochs,
  runDir,
  trainRun,
  type RunConfig,
} from '@convlab/core';
import {
  createArtifactStore,
  readFolderAsArtifacts,
  writeArtifactsToFolder,
  type ArtifactStore,
  completeRun,
  countEpochMetrics,
  createDb,
  deleteEpochMetricsAfter,
  failRun,
  findRun,
  finishTrialRung,
  isRunningFor,
  markRunCancelled,
  recentRunTimings,
  recordEpochMetric,
  releaseRun,
  saveModelSummary,
  saveReport,
  setRunStarted,
  updateRunProgress,
  type PrismaClient,
} from '@convlab/db';
import { ZodError } from 'zod';
import { isTransientDatabaseError, withDatabaseRetry } from './database-retry.ts';
import { readTrainerEnv } from './env.ts';
import { createLogger } from './logger.ts';
import type { ProgressMessage } from './terminal-log.ts';
import { progressColumns } from './progress.ts';

export interface StopMessage {
  type: 'stop';
  reason: 'cancel' | 'shutdown';
}

let stopReason: StopMessage['reason'] | null = null;

process.on('message', (message: StopMessage) => {
  if (message.type === 'stop') stopReason ??= message.reason;
});
// Without its daemon nobody renews the lease: stop now rather than train on as an orphan.
process.on('disconnect', () => process.exit(70));
// Ctrl-C reaches the whole process group; the daemon coordinates the shutdown, so treat it as one.
process.on('SIGINT', () => (stopReason ??= 'shutdown'));
process.on('SIGTERM', () => (stopReason ??= 'shutdown'));

const [runId, workerId] = process.argv.slice(2);
const logger = createLogger({ name: 'convlab-run' }).child({ runId });

/** The run was requeued or taken by another daemon (e.g. after a partition): stop, write nothing. */
class RunNoLongerOurs extends Error {}

/**
 * A database write that must land, retried with backoff while the database is unreachable. Each try
 * first checks the run is still ours: after an outage longer than the lease another host may have
 * taken it, and this process's writes must not land on that attempt.
 */
function durable<T>(db: PrismaClient, what: string, action: () => Promise<T>): Promise<T> {
  return withDatabaseRetry(
    async () => {
      const run = await findRun(db, runId ?? '');
      if (!run || !isRunningFor(run, workerId ?? ''))
        throw new RunNoLongerOurs(`the run is no longer ours (${run?.status ?? 'deleted'})`);
      return action();
    },
    { logger, what },
  ).catch((error: unknown) => {
    if (isTransientDatabaseError(error))
      throw new DatabaseUnavailable(
        `${what}: the database stayed unreachable (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      );
    throw error;
  });
}

/** A durable write gave up on an unreachable database: the one failure worth another attempt. */
class DatabaseUnavailable extends Error {}

/** Runs a step whose errors are the run's own (bad config, missing dataset), prefixed with the step. */
async function permanent<T>(what: string, action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const message =
      error instanceof ZodError
        ? describeConfigError(error)
        : error instanceof Error
          ? error.message
          : String(error);
    throw new Error(`${what}: ${message}`);
  }
}

async function trainClaimedRun(db: PrismaClient, id: string): Promise<void> {
  const run = await findRun(db, id);
  if (!run || !isRunningFor(run, workerId ?? '')) {
    logger.warn(
      { event: 'run.not_ours', status: run?.status },
      'run is no longer ours; nothing to do',
    );
    return;
  }
  const config: RunConfig = await permanent('invalid run config', () =>
    runConfigSchema.parse(JSON.parse(run.config)),
  );
  const env = readTrainerEnv();
  const { backend, kernels, simd, device } = await initBackend(env.CONVLAB_BACKEND);
  logger.info(
    { event: 'run.backend', backend, kernels: kernels.length, simd, device },
    `training on ${backend}${simd ? ` (${simd} SIMD kernels)` : ''}${device ? ` on ${device}` : ''}`,
  );
  const loadStarted = performance.now();
  const dataset = await permanent(`cannot load dataset "${config.dataset}"`, () =>
    loadDataset(config.dataset, { ...datasetOptionsFromConfig(config), policy: env.policy }),
  );
  if (dataset.skipped.count > 0) {
    logger.warn(
      {
        event: 'run.dataset_skipped',
        skipped: dataset.skipped.count,
        byKind: dataset.skipped.byKind,
      },
      `skipped ${dataset.skipped.count} files of the dataset`,
    );
  }
  const loadingSeconds = (performance.now() - loadStarted) / 1000;
  const dir = runDir(id);
  const store = createArtifactStore(db);
  // With the database store the checkpoint may come from another host: the stored one is the truth.
  if (store.kind === 'database')
    await durable(db, 'fetching the checkpoint', () => fetchStoredCheckpoint(store, id, dir));
  const checkpointEpoch = await resumableCheckpointEpoch(db, store, id, dir);
  // Epoch rows past the checkpoint belong to work that is about to be redone.
  await deleteEpochMetricsAfter(db, id, checkpointEpoch ?? 0);
  const epochLimit = run.epochLimit ?? undefined;
  await setRunStarted(db, id, {
    backend,
    backendDevice: device,
    totalEpochs: plannedRunEpochs(config, epochLimit ?? null),
    resumedFromEpoch: checkpointEpoch,
    skipped: dataset.skipped,
  });
  if (checkpointEpoch !== null)
    logger.info({ event: 'run.resume', epoch: checkpointEpoch }, 'resuming from checkpoint');

  // How fast this preset trained in earlier runs, so the ETA covers the phases still to come.
  const earlier = await durable(db, 'reading earlier timings', () =>
    recentRunTimings(db, { preset: config.preset, inputSize: config.inputSize, backend }),
  );
  const result = await trainRun(config, {
    dataset,
    loadingSeconds,
    phaseRates: phaseRatesFrom(earlier),
    evaluationSeconds: evaluationSecondsFrom(earlier),
    runDir: dir,
    resume: checkpointEpoch !== null,
    // A sweep trial trains to its rung's epoch, then the sweep decides whether it goes on.
    stopAfterEpoch: epochLimit,
    cacheBudgetBytes: env.CONVLAB_CACHE_BUDGET_MB * 1024 * 1024,
    model: { weightsPolicy: env.policy.weights },
    shouldStop: () => stopReason !== null,
    log: { info: (message) => logger.info({ event: 'run.log' }, message) },
    onModelSummary: (summary) =>
      durable(db, 'recording the model summary', () => saveModelSummary(db, id, summary)),
    onEpoch: async (metric) => {
      await durable(db, `recording epoch ${metric.epoch}`, () => recordEpochMetric(db, id, metric));
      logger.info({ event: 'run.epoch', ...metric }, `epoch ${metric.epoch}`);
    },
    // Live progress is best effort: the next update (about a second later) replaces a lost one.
    onProgress: (progress) => {
      // The daemon draws it on a person's terminal; the database row is what everyone else reads.
      if (env.CONVLAB_PROGRESS_IPC && process.connected)
        process.send?.({
          type: 'progress',
          progress,
          batchSize: config.batchSize,
        } satisfies ProgressMessage);
      return updateRunProgress(db, id, progressColumns(progress)).catch((error: unknown) =>
        logger.warn({ event: 'run.progress_unsaved', err: error }, 'progress not saved'),
      );
    },
    // Every host sees the checkpoint: a run whose host dies resumes from it elsewhere.
    onCheckpoint: async (epoch) => {
      if (store.kind === 'database')
        await durable(db, `storing the checkpoint of epoch ${epoch}`, () =>
          storeFolder(store, id, dir, 'checkpoint/'),
        );
    },
  });

  if (result.stopped) {
    if (result.reachedEpochLimit && stopReason === null) {
      await finishRung(db, store, id);
      return;
    }
    if (stopReason === 'cancel') {
      await durable(db, 'marking the run cancelled', () => markRunCancelled(db, id));
      logger.info({ event: 'run.cancelled' }, 'run cancelled');
    } else {
      await durable(db, 'handing the run back', () => releaseRun(db, id));
      logger.info({ event: 'run.released' }, 'run handed back to the queue');
    }
    return;
  }
  if (!result.report) throw new Error('training finished without a report');
  const report = result.report;
  if (store.kind === 'database') {
    // Outputs first, so a dashboard that sees the run completed can serve them.
    await durable(db, 'storing the model', () => storeFolder(store, id, dir, 'model/'));
    await durable(db, 'storing the heatmaps', () => storeFolder(store, id, dir, 'grad-cam.json'));
    await durable(db, 'storing report.json', () => storeFolder(store, id, dir, 'report.json'));
  }
  await durable(db, 'saving the report', () => saveReport(db, id, report));
  await durable(db, 'completing the run', () =>
    completeRun(db, id, {
      paramCount: result.paramCount,
      bestEpoch: result.bestEpoch,
      trainSeconds: result.trainSeconds,
      timing: result.timing,
    }),
  );
  // A finished run never resumes: its checkpoints are only disk space now.
  await dropCheckpoint(store, id, dir);
  logger.info(
    { event: 'run.completed', testAcc: result.report.testAcc, macroF1: result.report.macroAvg.f1 },
    'run completed',
  );
}

/**
 * The trial reached its rung: it stops there (pruned) and the sweep's promotions are decided, by this
 * process, atomically in the database. Its checkpoint stays for a promotion; trials whose rung closed
 * never resume, so theirs are dropped.
 */
async function finishRung(db: PrismaClient, store: ArtifactStore, id: string): Promise<void> {
  const outcome = await durable(db, 'finishing the rung', () =>
    finishTrialRung(db, id, workerId ?? ''),
  );
  if (!outcome) throw new RunNoLongerOurs('the run is no longer ours');
  logger.info(
    { event: 'run.rung_finished', status: outcome.status, promoted: outcome.promoted },
    outcome.status === 'queued'
      ? 'rung finished; promoted to the next rung'
      : `rung finished; ${outcome.status}${outcome.promoted.length > 0 ? `, promoted ${outcome.promoted.map((p) => p.id).join(', ')}` : ''}`,
  );
  for (const finalId of outcome.final) {
    await dropCheckpoint(store, finalId, runDir(finalId)).catch((error: unknown) =>
      logger.warn({ event: 'run.checkpoint_kept', runId: finalId, err: error }, 'checkpoint kept'),
    );
  }
}

/**
 * The epoch to resume from, or null to start fresh. A manual retry deletes a run's epoch rows, so a
 * checkpoint with no stored epochs belongs to an abandoned attempt and is removed.
 */
async function resumableCheckpointEpoch(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
  dir: string,
): Promise<number | null> {
  const epoch = await readCheckpointEpoch(dir);
  if (epoch === null) return null;
  if ((await countEpochMetrics(db, id)) > 0) return epoch;
  await dropCheckpoint(store, id, dir);
  return null;
}

/** Removes the run's checkpoint here and, with the database store, there too. */
async function dropCheckpoint(store: ArtifactStore, id: string, dir: string): Promise<void> {
  await rm(runArtifactPaths(dir).checkpoint, { recursive: true, force: true });
  if (store.kind === 'database') await store.remove(id, 'checkpoint/');
}

/**
 * With the database store, the stored checkpoint is the run's: it replaces whatever this host's run
 * folder holds (that may be an older attempt's, from before a manual retry, or another host's run may
 * have moved on). No stored checkpoint means none to resume from, so a local one is dropped.
 */
async function fetchStoredCheckpoint(store: ArtifactStore, id: string, dir: string): Promise<void> {
  const local = runArtifactPaths(dir).checkpoint;
  if ((await writeArtifactsToFolder(store, id, 'checkpoint/', local)) === 0) {
    await rm(local, { recursive: true, force: true });
    return;
  }
  const epoch = await readCheckpointEpoch(dir);
  logger.info(
    { event: 'run.checkpoint_fetched', epoch },
    `fetched the checkpoint of epoch ${epoch} from the artifact store`,
  );
}

/** Copies a local file or folder of the run (`model/`, `checkpoint/`, `report.json`, …) into the store. */
async function storeFolder(
  store: ArtifactStore,
  id: string,
  dir: string,
  prefix: string,
): Promise<void> {
  const files = prefix.endsWith('/')
    ? await readFolderAsArtifacts(path.join(dir, prefix), prefix)
    : [{ path: prefix, bytes: await readFile(path.join(dir, prefix)) }];
  await store.replace(id, prefix, files);
}

async function main(): Promise<number> {
  if (!runId || !workerId) {
    logger.error('usage: run-process <runId> <workerId>');
    return 2;
  }
  const db = createDb();
  try {
    await trainClaimedRun(db, runId);
    return 0;
  } catch (error) {
    if (error instanceof RunNoLongerOurs) {
      logger.warn({ event: 'run.not_ours', err: error }, 'run taken over elsewhere; stopping');
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    // A run that threw fails for good, with its own message: the same config on the same data throws
    // again. Retries are for what can pass — a database that stayed unreachable for a write here, and
    // a crashed or killed process, which the daemon sees and requeues.
    const retryable = error instanceof DatabaseUnavailable;
    logger.error({ event: 'run.failed', err: error, retryable }, message);
    await durable(db, 'recording the failure', () =>
      failRun(db, runId, message, { retryable }),
    ).catch((recordError: unknown) => {
      // Not ours any more, or the database stayed away: the lease expires and the run is requeued.
      logger.error({ event: 'run.failure_unrecorded', err: recordError }, 'failure not recorded');
    });
    return 0;
  } finally {
    await db.$disconnect();
  }
}

process.exitCode = await main();
// Let stdout drain, then leave even if a stray handle (wasm worker, timer) is still open.
setImmediate(() => process.exit());
