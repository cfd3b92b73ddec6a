/**
 * How many runs a trainer could claim now: the number a scheduler scales trainers on (KEDA's
 * postgresql scaler runs QUEUE_DEPTH_SQL as its query; `convlab queue depth --sql` prints it). The
 * condition is the one claimNextRun claims by, so a claimed run leaves the count at once, and cancelled
 * or finished runs never enter it. A sweep's queued trials count only while the sweep is under its
 * `maxConcurrent` (a capped sweep's trials wait; a pod started for them would find nothing and exit).
 */
import type { PrismaClient } from './generated/prisma/client.ts';

/** The claimable-run condition on `"Run" AS "candidate"` (plain SQL: PostgreSQL and SQLite). */
export const CLAIMABLE_RUN_CONDITION = `"candidate"."status" = 'queued'
  AND ("candidate"."sweepId" IS NULL OR NOT EXISTS (
    SELECT 1 FROM "Sweep" WHERE "Sweep"."id" = "candidate"."sweepId"
      AND "Sweep"."maxConcurrent" <= (SELECT COUNT(*) FROM "Run" AS "trial"
        WHERE "trial"."sweepId" = "candidate"."sweepId" AND "trial"."status" = 'running')))`;

/** The query KEDA's postgresql trigger runs: one row, one column, the number of claimable runs. */
export const QUEUE_DEPTH_SQL = `SELECT COUNT(*) AS "depth" FROM "Run" AS "candidate" WHERE ${CLAIMABLE_RUN_CONDITION}`;

/** The number of runs a trainer could claim now (QUEUE_DEPTH_SQL, on either database). */
export async function queueDepth(db: PrismaClient): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ depth: bigint | number }[]>(QUEUE_DEPTH_SQL);
  return Number(rows[0]?.depth ?? 0);
}
