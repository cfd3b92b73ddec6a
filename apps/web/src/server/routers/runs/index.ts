import { PRESET_NAMES } from '@convlab/core/contracts';
import {
  annotateRun,
  cancelRun,
  getRunDetail,
  listRunFilterValues,
  listRuns,
  listRunTags,
  RUN_SORTS,
  RUN_STATUSES,
  retryRun,
  RunNotFoundError,
  runNoteSchema,
  runTagSchema,
  runTagsSchema,
} from '@convlab/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { listRunArtifacts } from '../../run-artifacts.ts';
import { readProcedure, writeProcedure } from '../../trpc.ts';
import { deleteRunProcedure } from './delete-run.ts';
import { experimentPlanProcedure } from './experiment-plan.ts';
import { queueExperimentProcedure } from './queue-experiment.ts';
import { queueRunProcedure } from './queue-run.ts';
import { runIdSchema } from './run-id.ts';

/** The leaderboard's filters (the tRPC list and the CSV download take the same). */
export const listRunsInputSchema = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    preset: z.enum(PRESET_NAMES).optional(),
    dataset: z.string().min(1).max(500).optional(),
    groupId: z.string().min(1).max(100).optional(),
    tag: runTagSchema.optional(),
    sweepId: z.string().min(1).max(64).optional(),
    sort: z.enum(RUN_SORTS).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .optional();

export const runsRouter = {
  /** The leaderboard: runs matching the filters (newest first unless `sort` says otherwise). */
  list: readProcedure.input(listRunsInputSchema).query(async ({ ctx, input }) => {
    const runs = await listRuns(ctx.db, { limit: 500, ...input });
    return { runs, now: new Date() };
  }),

  /** Values the leaderboard's filters can take: datasets and comparison groups that have runs. */
  filterOptions: readProcedure.query(async ({ ctx }) => {
    return { presets: [...PRESET_NAMES], ...(await listRunFilterValues(ctx.db)) };
  }),

  /** One run in full: config, epochs, report, the files it left behind. */
  detail: readProcedure.input(z.object({ id: runIdSchema })).query(async ({ ctx, input }) => {
    const run = await getRunDetail(ctx.db, input.id);
    if (!run) throw new RunNotFoundError(input.id);
    return { run, artifacts: await listRunArtifacts(input.id), now: new Date() };
  }),

  /** 2–4 runs side by side. */
  compare: readProcedure
    .input(
      z.object({
        ids: z
          .array(runIdSchema)
          .min(2, 'pick at least 2 runs to compare')
          .max(4, 'compare at most 4 runs')
          .refine((ids) => new Set(ids).size === ids.length, 'a run is listed twice'),
      }),
    )
    .query(async ({ ctx, input }) => {
      const runs = await Promise.all(
        input.ids.map(async (id) => {
          const run = await getRunDetail(ctx.db, id);
          if (!run) throw new RunNotFoundError(id);
          return run;
        }),
      );
      return { runs };
    }),

  queue: queueRunProcedure,
  queueExperiment: queueExperimentProcedure,
  /** The lab experiment's runs before they are queued: epochs per phase and a time estimate. */
  experimentPlan: experimentPlanProcedure,

  /** Queued runs are cancelled at once; running ones stop after the current batch. */
  cancel: writeProcedure.input(z.object({ id: runIdSchema })).mutation(async ({ ctx, input }) => {
    const run = await cancelRun(ctx.db, input.id);
    return { id: run.id, status: run.status, cancelRequested: run.cancelRequested };
  }),

  /** A failed or cancelled run goes back to the queue, starting fresh. */
  retry: writeProcedure.input(z.object({ id: runIdSchema })).mutation(async ({ ctx, input }) => {
    const run = await retryRun(ctx.db, input.id);
    return { id: run.id, status: run.status };
  }),

  delete: deleteRunProcedure,

  /** Replaces a run's tags and/or its note (any status); an empty note removes it. */
  annotate: writeProcedure
    .input(
      z.object({
        id: runIdSchema,
        tags: runTagsSchema.optional(),
        note: runNoteSchema.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      return annotateRun(ctx.db, input.id, { tags: input.tags, note: input.note });
    }),

  /** Every tag in use with its run count, most used first (the leaderboard's tag filter). */
  tags: readProcedure.query(async ({ ctx }) => ({ tags: await listRunTags(ctx.db) })),
} satisfies TRPCRouterRecord;
