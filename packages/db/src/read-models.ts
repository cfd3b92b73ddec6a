/** What the CLI and the dashboard read: run listings and one run in full, JSON columns parsed. */
import {
  classScoresSchema,
  formatZodIssue,
  misclassifiedExampleSchema,
  perClassScoresSchema,
  modelSummarySchema,
  runConfigSchema,
  runTimingSchema,
  runVerdicts,
  plannedRunEpochs,
  skippedFilesSchema,
  type EpochPhase,
  type ModelSummary,
  type RunConfig,
  type RunTiming,
  type RunVerdict,
  type VerdictInput,
} from '@convlab/core/contracts';
import { z } from 'zod';
import type { EpochMetric, Prisma, PrismaClient } from './generated/prisma/client.ts';
import type { StoredRunReport } from './report.ts';
import { parseRunTags } from './run-annotations.ts';
import { withRunStatus, type Run } from './run-row.ts';
import { isRunStatus, RUN_STATUSES, type RunStatus } from './run-status.ts';

export const RUN_SORTS = ['newest', 'oldest', 'priority', 'testAcc', 'bestValAcc'] as const;
export type RunSort = (typeof RUN_SORTS)[number];

export const listRunsOptionsSchema = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  preset: z.string().min(1).optional(),
  dataset: z.string().min(1).optional(),
  groupId: z.string().min(1).optional(),
  /** Runs carrying this tag. */
  tag: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'not a tag')
    .optional(),
  /** A sweep's trials. */
  sweepId: z.string().min(1).max(64).optional(),
  sort: z.enum(RUN_SORTS).default('newest'),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type ListRunsOptions = z.input<typeof listRunsOptionsSchema>;

const ORDER_BY: Record<RunSort, Prisma.RunOrderByWithRelationInput[]> = {
  newest: [{ createdAt: 'desc' }, { id: 'desc' }],
  oldest: [{ createdAt: 'asc' }, { id: 'asc' }],
  // The order the queue is worked in.
  priority: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
  testAcc: [{ testAcc: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
  bestValAcc: [{ bestValAcc: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
};

/**
 * A run as listings show it: tags and timing parsed from the stored JSON, and what is wrong with its
 * learning (core's runVerdicts: diverged, near chance, still improving), if anything.
 */
export type RunListItem = Omit<Run, 'tags' | 'timing' | 'modelSummary'> & {
  tags: string[];
  timing: RunTiming | null;
  verdicts: RunVerdict[];
  /** Epochs the run will train (every phase; a sweep trial to its rung), known before it starts. */
  plannedEpochs: number | null;
};

/**
 * A JSON column's value, or null when it is empty or no longer parses: listings show such a value
 * as missing rather than failing the page (parseJsonColumn is the strict twin).
 */
function parseJsonOrNull<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** From the stored config; null when it no longer validates (such a run fails with the reason). */
function plannedEpochsOf(run: Pick<Run, 'config' | 'epochLimit'>): number | null {
  const config = parseJsonOrNull(runConfigSchema, run.config);
  return config ? plannedRunEpochs(config, run.epochLimit) : null;
}

/** Verdicts need a finished run's epochs and class count: one query each for all listed runs. */
async function verdictsOf(
  db: PrismaClient,
  runs: Pick<Run, 'id' | 'status' | 'error' | 'testAcc'>[],
): Promise<Map<string, RunVerdict[]>> {
  // Only finished runs are judged, so only their epochs and reports are read.
  const ids = runs
    .filter((r) => r.status === 'completed' || r.status === 'failed')
    .map((r) => r.id);
  const verdicts = new Map<string, RunVerdict[]>();
  if (ids.length === 0) return verdicts;
  const [epochs, reports] = await Promise.all([
    db.epochMetric.findMany({
      where: { runId: { in: ids } },
      select: { runId: true, epoch: true, phase: true, loss: true, valLoss: true, valAcc: true },
      orderBy: [{ runId: 'asc' }, { epoch: 'asc' }],
    }),
    db.report.findMany({
      where: { runId: { in: ids } },
      select: { runId: true, classNames: true },
    }),
  ]);
  // A class list that no longer parses gives no near-chance verdict.
  const classCounts = new Map(
    reports.map((r) => [r.runId, parseJsonOrNull(z.array(z.string()), r.classNames)?.length]),
  );
  const epochsOf = new Map<string, VerdictInput['epochs']>();
  for (const { runId, ...epoch } of epochs) {
    const list = epochsOf.get(runId) ?? [];
    list.push({ ...epoch, phase: epoch.phase as EpochPhase });
    epochsOf.set(runId, list);
  }
  // runVerdicts judges finished runs only: the others get none.
  for (const run of runs) {
    verdicts.set(
      run.id,
      runVerdicts({
        status: run.status,
        error: run.error,
        testAcc: run.testAcc,
        numClasses: classCounts.get(run.id) ?? null,
        epochs: epochsOf.get(run.id) ?? [],
      }),
    );
  }
  return verdicts;
}

/** Runs matching the filters, newest first unless `sort` says otherwise (default limit 200). */
export async function listRuns(
  db: PrismaClient,
  options: ListRunsOptions = {},
): Promise<RunListItem[]> {
  const parsed = listRunsOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new Error(`invalid ${formatZodIssue(parsed.error, 'filter')}`);
  }
  const { status, preset, dataset, groupId, tag, sweepId, sort, limit } = parsed.data;
  const rows = await db.run.findMany({
    where: {
      status,
      preset,
      dataset,
      groupId,
      sweepId,
      ...(tag ? { tags: { contains: JSON.stringify(tag) } } : {}),
    },
    orderBy: ORDER_BY[sort],
    take: limit,
    // Hundreds of layers per run: only a run's own page needs its architecture.
    omit: { modelSummary: true },
  });
  const runs = rows.map((row) => withRunStatus(row));
  const verdicts = await verdictsOf(db, runs);
  return runs.map((run) => ({
    ...run,
    tags: parseRunTags(run.tags),
    timing: parseJsonOrNull(runTimingSchema, run.timing),
    verdicts: verdicts.get(run.id) ?? [],
    plannedEpochs: plannedEpochsOf(run),
  }));
}

/** How many runs are in each status (every status present, zero when none). */
export async function countRunsByStatus(db: PrismaClient): Promise<Record<RunStatus, number>> {
  const groups = await db.run.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = Object.fromEntries(RUN_STATUSES.map((status) => [status, 0])) as Record<
    RunStatus,
    number
  >;
  for (const group of groups) {
    if (isRunStatus(group.status)) counts[group.status] = group._count._all;
  }
  return counts;
}

export type RunDetail = Omit<
  Run,
  'config' | 'skippedReport' | 'tags' | 'timing' | 'modelSummary'
> & {
  /** The model's layers and parameter totals, recorded as training started; null before. */
  modelSummary: ModelSummary | null;
  tags: string[];
  /** Where the run's time went and its training images/s; null before it completes. */
  timing: RunTiming | null;
  verdicts: RunVerdict[];
  /** Null when the stored config no longer validates (the run then failed with configError). */
  config: RunConfig | null;
  configError: string | null;
  /** What the dataset load skipped and why (image folders), or null. */
  skipped: {
    count: number;
    byKind: Record<string, number>;
    examples: { file: string; reason: string }[];
  } | null;
  epochs: EpochMetric[];
  report: StoredRunReport | null;
};

function parseJsonColumn<T>(schema: z.ZodType<T>, text: string, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`stored ${column} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`stored ${column} is invalid: ${formatZodIssue(parsed.error, column)}`);
  }
  return parsed.data;
}

/** One run with its parsed config, its epochs in order and its parsed report; null if unknown. */
export async function getRunDetail(db: PrismaClient, id: string): Promise<RunDetail | null> {
  const run = await db.run.findUnique({
    where: { id },
    include: { epochs: { orderBy: { epoch: 'asc' } }, report: true },
  });
  if (!run) return null;
  const { epochs, report, config, skippedReport, timing, modelSummary, ...fields } =
    withRunStatus(run);
  // A run whose stored config is invalid must still be shown, with the reason it failed.
  let parsedConfig: RunConfig | null = null;
  let configError: string | null = null;
  try {
    parsedConfig = parseJsonColumn(runConfigSchema, config, 'Run.config');
  } catch (error) {
    configError = error instanceof Error ? error.message : String(error);
  }
  const skippedDetail = skippedReport
    ? parseJsonColumn(skippedFilesSchema.omit({ count: true }), skippedReport, 'Run.skippedReport')
    : null;
  const classNames = report
    ? parseJsonColumn(z.array(z.string()), report.classNames, 'Report.classNames')
    : null;
  return {
    ...fields,
    tags: parseRunTags(fields.tags),
    timing: parseJsonOrNull(runTimingSchema, timing),
    modelSummary: modelSummary
      ? parseJsonColumn(modelSummarySchema, modelSummary, 'Run.modelSummary')
      : null,
    verdicts: runVerdicts({
      status: fields.status,
      error: fields.error,
      testAcc: fields.testAcc,
      numClasses: classNames?.length ?? null,
      epochs: epochs.map((e) => ({ ...e, phase: e.phase as EpochPhase })),
    }),
    config: parsedConfig,
    configError,
    skipped:
      skippedDetail && fields.skippedFiles !== null
        ? { count: fields.skippedFiles, ...skippedDetail }
        : null,
    epochs,
    report: report && {
      runId: report.runId,
      createdAt: report.createdAt,
      testLoss: report.testLoss,
      testAcc: report.testAcc,
      overfittingGap: report.overfittingGap,
      classNames: classNames ?? [],
      perClass: parseJsonColumn(z.array(perClassScoresSchema), report.perClass, 'Report.perClass'),
      macroAvg: parseJsonColumn(classScoresSchema, report.macroAvg, 'Report.macroAvg'),
      weightedAvg: parseJsonColumn(classScoresSchema, report.weightedAvg, 'Report.weightedAvg'),
      confusionMatrix: parseJsonColumn(
        z.array(z.array(z.number())),
        report.confusionMatrix,
        'Report.confusionMatrix',
      ),
      misclassified: parseJsonColumn(
        z.array(misclassifiedExampleSchema),
        report.misclassified,
        'Report.misclassified',
      ),
    },
  };
}

/** The running runs of these workers, with their live progress, oldest start first. */
export async function listRunningRunsOf(db: PrismaClient, workerIds: string[]) {
  return db.run.findMany({
    where: { status: 'running', workerId: { in: workerIds } },
    select: {
      id: true,
      name: true,
      preset: true,
      dataset: true,
      workerId: true,
      currentEpoch: true,
      totalEpochs: true,
      batch: true,
      totalBatches: true,
      etaSeconds: true,
      etaLowerBound: true,
      stage: true,
      cacheDone: true,
      cacheTotal: true,
    },
    orderBy: { startedAt: 'asc' },
  });
}

export interface RunGroupSummary {
  groupId: string;
  runs: number;
  createdAt: Date | null;
}

/** Values the leaderboard's filters can take: datasets and comparison groups that have runs. */
export async function listRunFilterValues(
  db: PrismaClient,
): Promise<{ datasets: string[]; groups: RunGroupSummary[] }> {
  const [datasets, groups] = await Promise.all([
    db.run.findMany({
      distinct: ['dataset'],
      select: { dataset: true },
      orderBy: { dataset: 'asc' },
    }),
    db.run.groupBy({
      by: ['groupId'],
      where: { groupId: { not: null } },
      _count: { _all: true },
      _min: { createdAt: true },
      orderBy: { _min: { createdAt: 'desc' } },
    }),
  ]);
  return {
    datasets: datasets.map((row) => row.dataset),
    groups: groups.flatMap((group) =>
      group.groupId === null
        ? []
        : [{ groupId: group.groupId, runs: group._count._all, createdAt: group._min.createdAt }],
    ),
  };
}

/**
 * How fast runs like this one trained here, newest first (at most `limit`): completed runs of the
 * same preset at the same input size, on `backend` when given. Speeds differ by backend and grow
 * with the pixel count, so other runs would skew the estimate. For ETAs and estimates (core's
 * phaseRatesFrom).
 */
export async function recentRunTimings(
  db: PrismaClient,
  like: { preset: string; inputSize: number; backend?: string },
  limit = 5,
): Promise<RunTiming[]> {
  const runs = await db.run.findMany({
    where: {
      preset: like.preset,
      backend: like.backend,
      status: 'completed',
      timing: { not: null },
    },
    orderBy: { finishedAt: 'desc' },
    select: { timing: true, config: true },
    // Input sizes are in the config JSON: read a few more, keep the matching ones.
    take: limit * 4,
  });
  return runs
    .filter((run) => parseJsonOrNull(runConfigSchema, run.config)?.inputSize === like.inputSize)
    .map((run) => parseJsonOrNull(runTimingSchema, run.timing))
    .filter((t): t is RunTiming => t !== null)
    .slice(0, limit);
}
