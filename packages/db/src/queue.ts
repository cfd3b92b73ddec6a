/**
 * The run queue. Several trainer processes may share one SQLite file, so every state change is a
 * single SQL statement guarded by the status it expects (`WHERE id = ? AND status = 'running'`):
 * a statement is atomic and waits for the write lock (busy timeout). Prisma's interactive
 * transactions start with a plain BEGIN, and a read-then-write transaction fails at once with
 * SQLITE_BUSY when another process wrote in between, so they are not used here. The raw SQL uses
 * quoted identifiers, tagged parameters and RETURNING, which PostgreSQL runs too. Where PostgreSQL
 * cannot infer a parameter's type (inside CASE, or a bare NULL) the SQL gives it one portably:
 * `COALESCE(${now}, "finishedAt")` takes the column's type, `CAST(${n} AS INTEGER)` means the same on
 * both. Claiming differs: PostgreSQL adds FOR UPDATE SKIP LOCKED.
 */
import { z } from 'zod';
import {
  formatZodIssue,
  prioritySchema,
  skippedFilesSchema,
  runNameSchema,
  groupIdSchema,
} from '@convlab/core/contracts';
import { RunNotFoundError, RunStateError } from './errors.ts';
import { providerOf } from './client.ts';
import { notifyRunQueued } from './queue-notify.ts';
import { Prisma, type PrismaClient } from './generated/prisma/client.ts';
import { runResultColumns, type RunResultsInput, type SkippedFilesInput } from './metrics.ts';
import { newRunId } from './run-id.ts';
import { runNoteSchema, runTagsSchema } from './run-annotations.ts';
import { InvalidRunConfigError, resolveRunConfigOrThrow } from './run-config.ts';
import { defaultRunName } from './run-name.ts';
import { CLAIMABLE_RUN_CONDITION } from './queue-depth.ts';
import { runFromRow, withRunStatus, type Run } from './run-row.ts';

const enqueueOptionsSchema = z.object({
  name: runNameSchema.optional(),
  priority: prioritySchema.optional(),
  groupId: groupIdSchema.optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  tags: runTagsSchema.optional(),
  note: runNoteSchema.optional(),
});

export interface EnqueueRunInput {
  /** A RunConfigInput (preset + overrides); resolved and validated with core's resolveRunConfig. */
  config: unknown;
  name?: string;
  /** Higher runs first; default 0. */
  priority?: number;
  /** Runs queued together for comparison. */
  groupId?: string;
  /** How many times a crashed or lease-expired run is tried before it fails; default 3. */
  maxAttempts?: number;
  tags?: string[];
  note?: string | null;
}

/** Validates and queues a run. Throws InvalidRunConfigError (one line naming the field) on bad config. */
export async function enqueueRun(db: PrismaClient, input: EnqueueRunInput): Promise<Run> {
  const config = resolveRunConfigOrThrow(input.config);
  const parsed = enqueueOptionsSchema.safeParse({
    name: input.name,
    priority: input.priority,
    groupId: input.groupId,
    maxAttempts: input.maxAttempts,
    tags: input.tags,
    note: input.note,
  });
  if (!parsed.success) {
    throw new InvalidRunConfigError(`invalid ${formatZodIssue(parsed.error, 'run')}`, parsed.error);
  }
  const options = parsed.data;
  const run = await db.run.create({
    data: {
      id: newRunId(),
      name: options.name ?? defaultRunName(config),
      preset: config.preset,
      presetVersion: config.presetVersion,
      dataset: config.dataset,
      config: JSON.stringify(config),
      groupId: options.groupId ?? null,
      priority: options.priority ?? 0,
      maxAttempts: options.maxAttempts ?? 3,
      tags: JSON.stringify(options.tags ?? []),
      note: options.note ?? null,
    },
  });
  await notifyRunQueued(db);
  return withRunStatus(run);
}

export interface ClaimOptions {
  /** A registered worker's id (registerWorker): Run.workerId references Worker. */
  workerId: string;
  /** How long the claim holds without a renewLease call. */
  leaseMs: number;
}

/**
 * Atomically takes the next queued run (highest priority, then oldest) for `workerId`, or returns
 * null when the queue is empty. One UPDATE … WHERE id = (SELECT …) … RETURNING statement: two
 * processes can never claim the same run. A sweep's trials wait while the sweep has maxConcurrent
 * trials running (exact on SQLite's single writer; on PostgreSQL two claims at the same instant
 * may each see one slot left).
 */
export async function claimNextRun(db: PrismaClient, options: ClaimOptions): Promise<Run | null> {
  assertLeaseMs(options.leaseMs);
  const now = new Date();
  const leaseExpiresAt = new Date(now.getTime() + options.leaseMs);
  // PostgreSQL: concurrent claimers skip a row another one has locked instead of waiting for it and
  // then finding it taken (pg-boss and graphile-worker claim the same way). SQLite has one writer.
  const skipLocked =
    providerOf(db) === 'postgresql' ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run"
    SET "status" = 'running', "workerId" = ${options.workerId}, "attempts" = "attempts" + 1,
        "leaseExpiresAt" = ${leaseExpiresAt}, "heartbeatAt" = ${now},
        "startedAt" = COALESCE("startedAt", ${now}), "finishedAt" = NULL
    WHERE "id" = (
      SELECT "id" FROM "Run" AS "candidate" WHERE ${Prisma.raw(CLAIMABLE_RUN_CONDITION)}
      ORDER BY "priority" DESC, "createdAt" ASC, "id" ASC LIMIT 1
      ${skipLocked}
    ) AND "status" = 'queued'
    RETURNING *`;
  const row = rows[0];
  return row ? runFromRow(row) : null;
}

export interface LeaseState {
  /** False when the run is no longer running under this worker (requeued, cancelled, finished). */
  owned: boolean;
  /** A user asked to cancel: stop after the current batch, then call markRunCancelled. */
  cancelRequested: boolean;
}

/** Heartbeat for a claimed run: extends its lease if it is still ours. */
export async function renewLease(
  db: PrismaClient,
  runId: string,
  workerId: string,
  leaseMs: number,
): Promise<LeaseState> {
  assertLeaseMs(leaseMs);
  const now = new Date();
  const rows = await db.$queryRaw<{ cancelRequested: unknown }[]>`
    UPDATE "Run" SET "leaseExpiresAt" = ${new Date(now.getTime() + leaseMs)}, "heartbeatAt" = ${now}
    WHERE "id" = ${runId} AND "status" = 'running' AND "workerId" = ${workerId}
    RETURNING "cancelRequested"`;
  const row = rows[0];
  if (!row) return { owned: false, cancelRequested: false };
  return {
    owned: true,
    cancelRequested: row.cancelRequested === true || Number(row.cancelRequested) === 1,
  };
}

/** Records what the run trains on once its process has started (and from which epoch it resumed). */
export async function setRunStarted(
  db: PrismaClient,
  runId: string,
  info: {
    backend: string;
    /** The backend's device where it names one (webgpu: the adapter). */
    backendDevice?: string | null;
    /** Data-parallel workers it trains on, and why fewer than its config asked (core's WorkerCount). */
    workers?: number;
    workersNote?: string | null;
    totalEpochs?: number;
    resumedFromEpoch?: number | null;
    /** Image-folder files the dataset load skipped (core's SkippedFiles). */
    skipped?: SkippedFilesInput;
  },
): Promise<void> {
  const skipped = info.skipped ? skippedFilesSchema.parse(info.skipped) : null;
  await db.run.updateMany({
    where: { id: runId, status: 'running' },
    data: {
      skippedFiles: skipped?.count ?? null,
      skippedReport:
        skipped && skipped.count > 0
          ? JSON.stringify({ byKind: skipped.byKind, examples: skipped.examples })
          : null,
      backend: info.backend,
      backendDevice: info.backendDevice ?? null,
      workers: info.workers ?? null,
      workersNote: info.workersNote ?? null,
      totalEpochs: info.totalEpochs,
      resumedFromEpoch: info.resumedFromEpoch ?? null,
      currentEpoch: info.resumedFromEpoch ?? 0,
      batch: null,
      totalBatches: null,
      etaSeconds: null,
      etaLowerBound: false,
      progressAt: new Date(),
    },
  });
}

export type RunResults = RunResultsInput;

/** Marks a running run completed (with any final results). Throws if it is no longer running. */
export async function completeRun(
  db: PrismaClient,
  runId: string,
  results: RunResults = {},
): Promise<Run> {
  const columns = runResultColumns(results);
  const now = new Date();
  const { count } = await db.run.updateMany({
    where: { id: runId, status: 'running' },
    data: {
      ...columns,
      status: 'completed',
      finishedAt: now,
      leaseExpiresAt: null,
      cancelRequested: false,
      error: null,
      etaSeconds: 0,
      etaLowerBound: false,
      progressAt: now,
    },
  });
  if (count === 0) await throwStateError(db, runId, 'complete');
  return getRunOrThrow(db, runId);
}

/**
 * Records a failure of a running run. A retryable failure (crash, lost lease) puts it back in the
 * queue while attempts < maxAttempts; otherwise — or when a cancel was requested — it ends failed
 * (or cancelled) with `message` as its error. A run that is no longer running is returned unchanged.
 */
export async function failRun(
  db: PrismaClient,
  runId: string,
  message: string,
  options: { retryable: boolean },
): Promise<Run> {
  const now = new Date();
  const retryable = options.retryable;
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run"
    SET "status" = CASE
          WHEN "cancelRequested" THEN 'cancelled'
          WHEN ${retryable} AND "attempts" < "maxAttempts" THEN 'queued'
          ELSE 'failed' END,
        "finishedAt" = CASE
          WHEN NOT "cancelRequested" AND ${retryable} AND "attempts" < "maxAttempts" THEN NULL
          ELSE COALESCE(${now}, "finishedAt") END,
        "error" = ${message.slice(0, 4000)}, "workerId" = NULL, "leaseExpiresAt" = NULL,
        "etaSeconds" = NULL, "etaLowerBound" = false
    WHERE "id" = ${runId} AND "status" = 'running'
    RETURNING *`;
  const row = rows[0];
  if (row?.status === 'queued') await notifyRunQueued(db);
  return row ? runFromRow(row) : getRunOrThrow(db, runId);
}

/**
 * Cancels a run: a queued run is cancelled at once; a running one gets cancelRequested = true
 * (its trainer stops after the current batch and calls markRunCancelled). Cancelling a cancelled
 * run is a no-op; a completed or failed run cannot be cancelled.
 */
export async function cancelRun(db: PrismaClient, runId: string): Promise<Run> {
  const now = new Date();
  const queued = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run" SET "status" = 'cancelled', "finishedAt" = ${now}, "cancelRequested" = ${false}
    WHERE "id" = ${runId} AND "status" = 'queued'
    RETURNING *`;
  if (queued[0]) return runFromRow(queued[0]);
  const running = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run" SET "cancelRequested" = ${true}
    WHERE "id" = ${runId} AND "status" = 'running'
    RETURNING *`;
  if (running[0]) return runFromRow(running[0]);
  const run = await getRunOrThrow(db, runId);
  if (run.status === 'cancelled') return run;
  throw new RunStateError(runId, run.status, 'cancel');
}

/** The trainer stopped a run whose cancel was requested. */
export async function markRunCancelled(db: PrismaClient, runId: string): Promise<Run> {
  const now = new Date();
  const { count } = await db.run.updateMany({
    where: { id: runId, status: 'running' },
    data: {
      status: 'cancelled',
      finishedAt: now,
      workerId: null,
      leaseExpiresAt: null,
      cancelRequested: false,
      etaSeconds: null,
      etaLowerBound: false,
    },
  });
  if (count === 0) await throwStateError(db, runId, 'mark cancelled');
  return getRunOrThrow(db, runId);
}

/**
 * Hands a running run back to the queue (graceful shutdown). The attempt is not counted against
 * maxAttempts. If a cancel was requested meanwhile, the run ends cancelled instead.
 */
export async function releaseRun(db: PrismaClient, runId: string): Promise<Run> {
  const now = new Date();
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run"
    SET "status" = CASE WHEN "cancelRequested" THEN 'cancelled' ELSE 'queued' END,
        "finishedAt" = CASE WHEN "cancelRequested" THEN COALESCE(${now}, "finishedAt") ELSE NULL END,
        "cancelRequested" = ${false},
        "attempts" = CASE WHEN "attempts" > 0 THEN "attempts" - 1 ELSE 0 END,
        "workerId" = NULL, "leaseExpiresAt" = NULL, "etaSeconds" = NULL, "etaLowerBound" = false
    WHERE "id" = ${runId} AND "status" = 'running'
    RETURNING *`;
  const row = rows[0];
  if (row?.status === 'queued') await notifyRunQueued(db);
  return row ? runFromRow(row) : getRunOrThrow(db, runId);
}

/**
 * A manual retry of a failed or cancelled run: it starts fresh (epochs, report, results, error and
 * attempts are cleared) and goes back to the queue. The deletes and the status change run in one
 * write transaction whose first statement writes, so it takes the write lock before reading.
 * The run's checkpoint (run folder or artifact store) is left as it is: the trainer drops a checkpoint
 * whose run has no epoch rows when it claims the run, so the retry does not resume from it.
 */
export async function retryRun(db: PrismaClient, runId: string): Promise<Run> {
  const retryable = await db.$transaction([
    db.$executeRaw`
      DELETE FROM "EpochMetric" WHERE "runId" = ${runId}
      AND EXISTS (SELECT 1 FROM "Run" WHERE "id" = ${runId} AND "status" IN ('failed', 'cancelled'))`,
    db.$executeRaw`
      DELETE FROM "Report" WHERE "runId" = ${runId}
      AND EXISTS (SELECT 1 FROM "Run" WHERE "id" = ${runId} AND "status" IN ('failed', 'cancelled'))`,
    db.$executeRaw`
      UPDATE "Run"
      SET "status" = 'queued', "attempts" = 0, "error" = NULL, "cancelRequested" = ${false},
          "workerId" = NULL, "leaseExpiresAt" = NULL, "heartbeatAt" = NULL, "startedAt" = NULL,
          "finishedAt" = NULL, "backend" = NULL, "backendDevice" = NULL, "workers" = NULL,
          "workersNote" = NULL, "currentEpoch" = NULL,
          "totalEpochs" = NULL, "batch" = NULL, "totalBatches" = NULL, "etaSeconds" = NULL, "etaLowerBound" = false,
          "progressAt" = NULL, "paramCount" = NULL, "bestEpoch" = NULL, "bestValAcc" = NULL,
          "finalTrainAcc" = NULL, "finalValAcc" = NULL, "testAcc" = NULL, "testLoss" = NULL,
          "macroF1" = NULL, "trainSeconds" = NULL, "resumedFromEpoch" = NULL
      WHERE "id" = ${runId} AND "status" IN ('failed', 'cancelled')`,
  ]);
  if (retryable[2] === 0) await throwStateError(db, runId, 'retry');
  await notifyRunQueued(db);
  return getRunOrThrow(db, runId);
}

export interface RequeueStaleOptions {
  now?: Date;
  /** Give up after this many attempts; defaults to each run's own maxAttempts. */
  maxAttempts?: number;
}

/**
 * Runs whose lease expired (their trainer died or hung) go back to the queue, or fail with
 * "lease expired N times" once they have used up their attempts. Returns the runs it changed.
 */
export async function requeueStaleRuns(
  db: PrismaClient,
  options: RequeueStaleOptions = {},
): Promise<Run[]> {
  const now = options.now ?? new Date();
  const limit = options.maxAttempts ?? null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 1)) {
    throw new Error(`maxAttempts must be a positive integer, got ${limit}`);
  }
  const failed = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run"
    SET "status" = CASE WHEN "cancelRequested" THEN 'cancelled' ELSE 'failed' END,
        "error" = 'lease expired ' || "attempts" || ' times (trainer stopped heartbeating)',
        "finishedAt" = ${now}, "workerId" = NULL, "leaseExpiresAt" = NULL, "etaSeconds" = NULL, "etaLowerBound" = false
    WHERE "status" = 'running' AND "leaseExpiresAt" < ${now}
      AND ("cancelRequested" OR "attempts" >= COALESCE(CAST(${limit} AS INTEGER), "maxAttempts"))
    RETURNING *`;
  const requeued = await db.$queryRaw<Record<string, unknown>[]>`
    UPDATE "Run"
    SET "status" = 'queued', "error" = 'lease expired (trainer stopped heartbeating); requeued',
        "workerId" = NULL, "leaseExpiresAt" = NULL, "etaSeconds" = NULL, "etaLowerBound" = false
    WHERE "status" = 'running' AND "leaseExpiresAt" < ${now}
    RETURNING *`;
  if (requeued.length > 0) await notifyRunQueued(db);
  return [...failed, ...requeued].map(runFromRow);
}

/** Deletes a run with its epochs and report. A running run must be cancelled first. */
export async function deleteRun(db: PrismaClient, runId: string): Promise<void> {
  const { count } = await db.run.deleteMany({ where: { id: runId, status: { not: 'running' } } });
  if (count === 0) await throwStateError(db, runId, 'delete');
}

export async function getRunOrThrow(db: PrismaClient, runId: string): Promise<Run> {
  const run = await findRun(db, runId);
  if (!run) throw new RunNotFoundError(runId);
  return run;
}

/** The run's row, or null when there is none (a deleted run, say). */
export async function findRun(db: PrismaClient, runId: string): Promise<Run | null> {
  const run = await db.run.findUnique({ where: { id: runId } });
  return run && withRunStatus(run);
}

/** Whether `run` is running under `workerId`: the daemon and its run process may write to it. */
export function isRunningFor(run: Run, workerId: string): boolean {
  return run.status === 'running' && run.workerId === workerId;
}

/** Whether the database has a row for this run (files of a deleted run's folder are not served). */
export async function runExists(db: PrismaClient, runId: string): Promise<boolean> {
  return (await db.run.findUnique({ where: { id: runId }, select: { id: true } })) !== null;
}

/** Which of `runIds` have a pending cancel request: a daemon polls this for the runs it trains. */
export async function listCancelRequested(db: PrismaClient, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await db.run.findMany({
    where: { id: { in: runIds }, cancelRequested: true },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

async function throwStateError(db: PrismaClient, runId: string, action: string): Promise<never> {
  const run = await getRunOrThrow(db, runId);
  throw new RunStateError(runId, run.status, action);
}

function assertLeaseMs(leaseMs: number): void {
  if (!(Number.isFinite(leaseMs) && leaseMs > 0))
    throw new Error(`leaseMs must be positive, got ${leaseMs}`);
}
