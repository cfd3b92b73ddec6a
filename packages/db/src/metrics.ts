/**
 * What a training run writes as it goes: one row per finished epoch, throttled live progress, and the
 * final report. Epoch writes are idempotent per (runId, epoch), so a run resumed from a checkpoint
 * never duplicates an epoch.
 */
import type { skippedFilesSchema } from '@convlab/core/contracts';
import {
  epochMetricsSchema,
  epochPhaseSchema,
  formatZodIssue,
  modelSummarySchema,
  parseRunReport,
  runTimingSchema,
  type ModelSummary,
  type RunReport,
  RUN_STAGES,
} from '@convlab/core/contracts';
import { z } from 'zod';
import type { PrismaClient } from './generated/prisma/client.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export { EPOCH_PHASES, type EpochPhase } from '@convlab/core/contracts';

/** Core's epoch metrics, stricter: every number finite (a diverged run is failed, not stored). */
export const epochMetricInputSchema = epochMetricsSchema.extend({
  phase: epochPhaseSchema.default('train'),
  loss: finite,
  acc: finite,
  valLoss: finite,
  valAcc: finite,
  lr: finite,
  seconds: finite.refine((value) => value >= 0, 'must not be negative'),
});
export type EpochMetricInput = z.input<typeof epochMetricInputSchema>;

function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(`invalid ${what}: ${formatZodIssue(parsed.error, what)}`);
}

/**
 * Writes (or rewrites) one epoch's metrics, then refreshes the run's summary columns: current epoch,
 * best validation accuracy and its epoch, final train/val accuracy. Non-finite values (a diverged
 * loss) are rejected: the trainer should fail such a run with a clear message instead.
 */
export async function recordEpochMetric(
  db: PrismaClient,
  runId: string,
  metric: EpochMetricInput,
): Promise<void> {
  const m = parseOrThrow(epochMetricInputSchema, metric, 'epoch metric');
  const now = new Date();
  // One INSERT … ON CONFLICT statement (SQLite ≥ 3.24 and PostgreSQL) rather than read-then-write.
  await db.$executeRaw`
    INSERT INTO "EpochMetric" ("runId", "epoch", "phase", "loss", "acc", "valLoss", "valAcc", "lr", "seconds", "createdAt")
    VALUES (${runId}, ${m.epoch}, ${m.phase}, ${m.loss}, ${m.acc}, ${m.valLoss}, ${m.valAcc}, ${m.lr}, ${m.seconds}, ${now})
    ON CONFLICT ("runId", "epoch") DO UPDATE SET
      "phase" = excluded."phase", "loss" = excluded."loss", "acc" = excluded."acc",
      "valLoss" = excluded."valLoss", "valAcc" = excluded."valAcc", "lr" = excluded."lr",
      "seconds" = excluded."seconds", "createdAt" = excluded."createdAt"`;
  await refreshRunSummary(db, runId, now);
}

/** Recomputes a run's per-epoch summary columns from its EpochMetric rows (one statement). */
async function refreshRunSummary(db: PrismaClient, runId: string, now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "Run" SET
      "currentEpoch" = (SELECT MAX("epoch") FROM "EpochMetric" WHERE "runId" = ${runId}),
      "bestValAcc" = (SELECT MAX("valAcc") FROM "EpochMetric" WHERE "runId" = ${runId}),
      "bestEpoch" = (SELECT "epoch" FROM "EpochMetric" WHERE "runId" = ${runId}
                     ORDER BY "valAcc" DESC, "epoch" ASC LIMIT 1),
      "finalTrainAcc" = (SELECT "acc" FROM "EpochMetric" WHERE "runId" = ${runId}
                         ORDER BY "epoch" DESC LIMIT 1),
      "finalValAcc" = (SELECT "valAcc" FROM "EpochMetric" WHERE "runId" = ${runId}
                       ORDER BY "epoch" DESC LIMIT 1),
      "batch" = NULL, "progressAt" = ${now}
    WHERE "id" = ${runId}`;
}

/** Drops epochs after `epoch` (work about to be redone after resuming from that checkpoint). */
export async function deleteEpochMetricsAfter(
  db: PrismaClient,
  runId: string,
  epoch: number,
): Promise<number> {
  const { count } = await db.epochMetric.deleteMany({ where: { runId, epoch: { gt: epoch } } });
  if (count > 0) await refreshRunSummary(db, runId, new Date());
  return count;
}

/** Files of an image folder a run did not train on, as stored on the run (core's skippedFilesSchema). */
export type SkippedFilesInput = z.input<typeof skippedFilesSchema>;

export const runProgressSchema = z.object({
  currentEpoch: z.number().int().min(0).optional(),
  totalEpochs: z.number().int().min(1).optional(),
  batch: z.number().int().min(0).nullable().optional(),
  totalBatches: z.number().int().min(1).nullable().optional(),
  etaSeconds: finite.nullable().optional(),
  /** The ETA leaves out a phase still to come whose speed nobody has measured here. */
  etaLowerBound: z.boolean().optional(),
  /** What the run is doing: training batches, or filling an activation cache (cacheDone/cacheTotal images). */
  stage: z.enum(RUN_STAGES).nullable().optional(),
  cacheDone: z.number().int().min(0).nullable().optional(),
  cacheTotal: z.number().int().min(1).nullable().optional(),
});
export type RunProgress = z.input<typeof runProgressSchema>;

/** Live progress of a running run (call it throttled, e.g. at most once a second). */
export async function updateRunProgress(
  db: PrismaClient,
  runId: string,
  progress: RunProgress,
): Promise<void> {
  const p = parseOrThrow(runProgressSchema, progress, 'progress');
  await db.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { ...p, progressAt: new Date() },
  });
}

/**
 * Stores a run's evaluation report (replacing an earlier one) and copies its headline numbers
 * (test accuracy and loss, macro F1) onto the run for listings.
 */
export async function saveReport(
  db: PrismaClient,
  runId: string,
  report: RunReport,
): Promise<void> {
  const r = parseRunReport(report);
  const now = new Date();
  const json = {
    classNames: JSON.stringify(r.classNames),
    perClass: JSON.stringify(r.perClass),
    macroAvg: JSON.stringify(r.macroAvg),
    weightedAvg: JSON.stringify(r.weightedAvg),
    confusionMatrix: JSON.stringify(r.confusionMatrix),
    misclassified: JSON.stringify(r.misclassified),
  };
  await db.$executeRaw`
    INSERT INTO "Report" ("runId", "testLoss", "testAcc", "overfittingGap", "classNames", "perClass",
      "macroAvg", "weightedAvg", "confusionMatrix", "misclassified", "createdAt")
    VALUES (${runId}, ${r.testLoss}, ${r.testAcc}, ${r.overfittingGap}, ${json.classNames},
      ${json.perClass}, ${json.macroAvg}, ${json.weightedAvg}, ${json.confusionMatrix},
      ${json.misclassified}, ${now})
    ON CONFLICT ("runId") DO UPDATE SET
      "testLoss" = excluded."testLoss", "testAcc" = excluded."testAcc",
      "overfittingGap" = excluded."overfittingGap", "classNames" = excluded."classNames",
      "perClass" = excluded."perClass", "macroAvg" = excluded."macroAvg",
      "weightedAvg" = excluded."weightedAvg", "confusionMatrix" = excluded."confusionMatrix",
      "misclassified" = excluded."misclassified", "createdAt" = excluded."createdAt"`;
  await db.run.update({
    where: { id: runId },
    data: { testAcc: r.testAcc, testLoss: r.testLoss, macroF1: r.macroAvg.f1 },
  });
}

export const runResultsSchema = z.object({
  paramCount: z.number().int().min(0).optional(),
  backend: z.string().min(1).optional(),
  bestEpoch: z.number().int().min(1).nullable().optional(),
  bestValAcc: finite.nullable().optional(),
  finalTrainAcc: finite.nullable().optional(),
  finalValAcc: finite.nullable().optional(),
  testAcc: finite.nullable().optional(),
  testLoss: finite.nullable().optional(),
  macroF1: finite.nullable().optional(),
  trainSeconds: finite.min(0).optional(),
  timing: runTimingSchema.optional(),
});
export type RunResultsInput = z.input<typeof runResultsSchema>;

/** Validated results as the run's columns (timing is stored as JSON). */
export function runResultColumns(results: RunResultsInput) {
  const { timing, ...columns } = parseOrThrow(runResultsSchema, results, 'run results');
  return { ...columns, ...(timing ? { timing: JSON.stringify(timing) } : {}) };
}

/** Records a running run's model architecture (core's ModelSummary), as its training starts. */
export async function saveModelSummary(
  db: PrismaClient,
  runId: string,
  summary: ModelSummary,
): Promise<void> {
  const parsed = parseOrThrow(modelSummarySchema, summary, 'model summary');
  await db.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { modelSummary: JSON.stringify(parsed) },
  });
}

/** How many epochs of a run are stored (0 after a manual retry, which deletes them). */
export async function countEpochMetrics(db: PrismaClient, runId: string): Promise<number> {
  return db.epochMetric.count({ where: { runId } });
}
