import { listRunningRunsOf, listWorkers } from '@convlab/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { readProcedure } from '../trpc.ts';

/** A daemon that has not written a heartbeat for this long is presumed dead. */
const WORKER_ALIVE_WITHIN_MS = 60_000;

export const workersRouter = {
  /** Live trainer daemons with the runs each is training right now. */
  list: readProcedure
    .input(
      z.object({ aliveWithinMs: z.number().int().min(1000).max(86_400_000).optional() }).optional(),
    )
    .query(async ({ ctx, input }) => {
      const workers = await listWorkers(ctx.db, {
        aliveWithinMs: input?.aliveWithinMs ?? WORKER_ALIVE_WITHIN_MS,
      });
      const running = await listRunningRunsOf(
        ctx.db,
        workers.map((worker) => worker.id),
      );
      return {
        now: new Date(),
        aliveWithinMs: input?.aliveWithinMs ?? WORKER_ALIVE_WITHIN_MS,
        workers: workers.map((worker) => ({
          ...worker,
          runs: running.filter((run) => run.workerId === worker.id),
        })),
      };
    }),
} satisfies TRPCRouterRecord;
