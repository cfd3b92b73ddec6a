/**
 * One training run, in its own process (forked by the daemon). It trains, writes each epoch's metrics
 * as the epoch ends, and finishes the run itself: completed, cancelled, handed back (shutdown) or failed.
 * If this process dies instead, the daemon sees the exit and decides (retry from the last checkpoint).
 */
import { availableParallelism } from 'node:os';
import {
  datasetOptionsFromConfig,
  describeConfigError,
  evaluationSecondsFrom,
  initBackend,
  loadDataset,
  phaseRatesFrom,
  readCheckpointEpoch,
  resolveWorkerCount,
  runConfigSchema,
  plannedRunEpochs,
  runDir,
  trainRun,
  type RunConfig,
} from '@convlab/core';
import { RUN_FOLDER } from '@convlab/core/paths';
import {
  createArtifactStore,
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
import { readTrainerEnv, type TrainerEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { parseStopMessage, type ProgressMessage, type StopMessage } from './ipc-messages.ts';
import { progressColumns } from './progress-columns.ts';

let stopReason: StopMessage['reason'] | null = null;

/** How the daemon (and a person's Ctrl-C) reach this process; main() sets it up before anything else. */
function listenForStop(): void {
  process.on('message', (message: unknown) => {
    const stop = parseStopMessage(message);
    if (stop) stopReason ??= stop.reason;
  });
  // Without its daemon nobody renews the lease: stop now rather than train on as an orphan.
  process.on('disconnect', () => process.exit(70));
  // Ctrl-C reaches the whole process group; the daemon coordinates the shutdown, so treat it as one.
  process.on('SIGINT', () => (stopReason ??= 'shutdown'));
  process.on('SIGTERM', () => (stopReason ??= 'shutdown'));
}

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

const CHECKPOINT = `${RUN_FOLDER.checkpoint}/`;

type TrainResult = Awaited<ReturnType<typeof trainRun>>;

/** What training a claimed run needs, worked out before its first batch. */
interface PreparedRun {
  config: RunConfig;
  env: TrainerEnv;
  backend: string;
  dataset: Awaited<ReturnType<typeof loadDataset>>;
  loadingSeconds: number;
  /** The epoch its checkpoint holds, or null to train from scratch. */
  checkpointEpoch: number | null;
  /** A sweep trial trains to its rung's epoch, then the sweep decides whether it goes on. */
  epochLimit: number | undefined;
  /** Data-parallel workers it trains on. */
  workers: number;
}

async function trainClaimedRun(db: PrismaClient, store: ArtifactStore, id: string): Promise<void> {
  const prepared = await prepareRun(db, store, id);
  if (!prepared) return;
  const result = await train(db, store, id, prepared);
  await recordOutcome(db, store, id, result);
}

/** Loads what the run trains on and where it resumes, and records its start; null when not ours. */
async function prepareRun(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
): Promise<PreparedRun | null> {
  const run = await findRun(db, id);
  if (!run || !isRunningFor(run, workerId ?? '')) {
    logger.warn(
      { event: 'run.not_ours', status: run?.status },
      'run is no longer ours; nothing to do',
    );
    return null;
  }
  const { config, env, backend, device, dataset, loadingSeconds } = await loadInputs(run.config);
  const checkpointEpoch = await resumePoint(db, store, id);
  const epochLimit = run.epochLimit ?? undefined;
  const { workers, note } = resolveWorkerCount({
    requested: config.workers,
    share: env.CONVLAB_THREADS_PER_RUN ?? null,
    cores: availableParallelism(),
    backend,
    batchSize: config.batchSize,
  });
  if (note) logger.warn({ event: 'run.workers', workers, note }, note);
  await durable(db, 'recording the start', () =>
    setRunStarted(db, id, {
      backend,
      backendDevice: device,
      workers,
      workersNote: note,
      totalEpochs: plannedRunEpochs(config, epochLimit ?? null),
      resumedFromEpoch: checkpointEpoch,
      skipped: dataset.skipped,
    }),
  );
  if (checkpointEpoch !== null)
    logger.info({ event: 'run.resume', epoch: checkpointEpoch }, 'resuming from checkpoint');
  return { config, env, backend, dataset, loadingSeconds, checkpointEpoch, epochLimit, workers };
}

/** The run's config, its backend and its dataset, loaded; errors here are the run's own. */
async function loadInputs(storedConfig: string) {
  const config: RunConfig = await permanent('invalid run config', () =>
    runConfigSchema.parse(JSON.parse(storedConfig)),
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
  return { config, env, backend, device, dataset, loadingSeconds };
}

/**
 * The epoch to resume from, or null to start fresh. The store's checkpoint is the run's: it may come
 * from another host, and it replaces whatever this host's run folder holds (an older attempt's, from
 * before a manual retry, or one another host has moved on from).
 */
async function resumePoint(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
): Promise<number | null> {
  const fetched = await durable(db, 'fetching the checkpoint', () => store.pull(id, CHECKPOINT));
  if (fetched > 0) {
    const epoch = await readCheckpointEpoch(runDir(id));
    logger.info(
      { event: 'run.checkpoint_fetched', epoch },
      `fetched the checkpoint of epoch ${epoch} from the artifact store`,
    );
  }
  const checkpointEpoch = await resumableCheckpointEpoch(db, store, id);
  // Epoch rows past the checkpoint belong to work that is about to be redone.
  await durable(db, 'dropping the epochs to redo', () =>
    deleteEpochMetricsAfter(db, id, checkpointEpoch ?? 0),
  );
  return checkpointEpoch;
}

/**
 * The checkpoint's epoch, or null when there is none to resume from. A manual retry deletes a run's
 * epoch rows, so a checkpoint with no stored epochs belongs to an abandoned attempt and is dropped.
 */
async function resumableCheckpointEpoch(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
): Promise<number | null> {
  const epoch = await readCheckpointEpoch(runDir(id));
  if (epoch === null) return null;
  if ((await countEpochMetrics(db, id)) > 0) return epoch;
  await store.discard(id, CHECKPOINT);
  return null;
}

/** Trains the run in this host's run folder, recording each epoch and storing each checkpoint. */
async function train(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
  prepared: PreparedRun,
): Promise<TrainResult> {
  const { config, env, backend } = prepared;
  // How fast this preset trained in earlier runs, so the ETA covers the phases still to come.
  const earlier = await durable(db, 'reading earlier timings', () =>
    recentRunTimings(db, { preset: config.preset, inputSize: config.inputSize, backend }),
  );
  return trainRun(config, {
    dataset: prepared.dataset,
    loadingSeconds: prepared.loadingSeconds,
    phaseRates: phaseRatesFrom(earlier),
    evaluationSeconds: evaluationSecondsFrom(earlier),
    runDir: runDir(id),
    resume: prepared.checkpointEpoch !== null,
    stopAfterEpoch: prepared.epochLimit,
    cacheBudgetBytes: env.CONVLAB_CACHE_BUDGET_MB * 1024 * 1024,
    workers: prepared.workers,
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
    // Into the store: with the database store a run whose host dies resumes from it elsewhere.
    onCheckpoint: (epoch) =>
      durable(db, `storing the checkpoint of epoch ${epoch}`, () => store.push(id, CHECKPOINT)),
  });
}

/** Ends the run as training left it: at its rung, cancelled, handed back, or completed. */
async function recordOutcome(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
  result: TrainResult,
): Promise<void> {
  if (!result.stopped) return recordCompletion(db, store, id, result);
  if (result.reachedEpochLimit && stopReason === null) return finishRung(db, store, id);
  if (stopReason === 'cancel') {
    await durable(db, 'marking the run cancelled', () => markRunCancelled(db, id));
    logger.info({ event: 'run.cancelled' }, 'run cancelled');
  } else {
    await durable(db, 'handing the run back', () => releaseRun(db, id));
    logger.info({ event: 'run.released' }, 'run handed back to the queue');
  }
}

/** Stores the run's outputs, then its report, and completes it. */
async function recordCompletion(
  db: PrismaClient,
  store: ArtifactStore,
  id: string,
  result: TrainResult,
): Promise<void> {
  if (!result.report) throw new Error('training finished without a report');
  const report = result.report;
  // Outputs first, so a dashboard that sees the run completed can serve them.
  await durable(db, 'storing the model', () => store.push(id, `${RUN_FOLDER.model}/`));
  await durable(db, 'storing the heatmaps', () => store.push(id, RUN_FOLDER.gradCam));
  await durable(db, 'storing report.json', () => store.push(id, RUN_FOLDER.report));
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
  await store.discard(id, CHECKPOINT);
  logger.info(
    { event: 'run.completed', testAcc: report.testAcc, macroF1: report.macroAvg.f1 },
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
    await store
      .discard(finalId, CHECKPOINT)
      .catch((error: unknown) =>
        logger.warn(
          { event: 'run.checkpoint_kept', runId: finalId, err: error },
          'checkpoint kept',
        ),
      );
  }
}

async function main(): Promise<number> {
  listenForStop();
  if (!runId || !workerId) {
    logger.error('usage: run-process <runId> <workerId>');
    return 2;
  }
  const db = createDb();
  try {
    await trainClaimedRun(db, createArtifactStore(db), runId);
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
