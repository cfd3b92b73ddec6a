import { listLostWorkers, listRunningRunsOf, listWorkers } from '@convlab/db';
import { z } from 'zod';
import { readProcedure } from '../../trpc.ts';

/** A daemon that has not written a heartbeat for this long is presumed dead. */
const WORKER_ALIVE_WITHIN_MS = 60_000;

export const listWorkersInputSchema = z
  .object({ aliveWithinMs: z.number().int().min(1000).max(86_400_000).optional() })
  .optional();

/**
 * Live trainer daemons with the runs each is training right now, and lost ones (silent for longer
 * than the alive window, within the last day) with the runs still recorded as theirs: those go back
 * to the queue when their leases expire.
 */
export const listWorkersProcedure = readProcedure
  .input(listWorkersInputSchema)
  .query(async ({ ctx, input }) => {
    const aliveWithinMs = input?.aliveWithinMs ?? WORKER_ALIVE_WITHIN_MS;
    const workers = await listWorkers(ctx.db, { aliveWithinMs });
    const lost = await listLostWorkers(ctx.db, { aliveWithinMs });
    const running = await listRunningRunsOf(
      ctx.db,
      [...workers, ...lost].map((worker) => worker.id),
    );
    const withRuns = (worker: (typeof workers)[number]) => ({
      ...worker,
      runs: running.filter((run) => run.workerId === worker.id),
    });
    return {
      now: new Date(),
      aliveWithinMs,
      workers: workers.map(withRuns),
      lost: lost.map(withRuns),
    };
  });
