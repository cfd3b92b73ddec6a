/**
 * GET /api/runs.csv?status=&preset=&dataset=&groupId=&tag=&sweepId=&sort= → the leaderboard as CSV (the filters
 * the dashboard shows, up to 1000 runs), as `convlab runs --csv` prints it.
 */
import { formatZodIssue } from '@convlab/core/contracts';
import { listRuns, runsToCsv } from '@convlab/db';
import { getDb } from '~/server/db.ts';
import { mayWrite, refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';
import { hideServerPaths } from '~/server/server-paths.ts';
import { listRunsInputSchema } from '~/server/routers/runs/runs-list.ts';

export const dynamic = 'force-dynamic';

const csvFiltersSchema = listRunsInputSchema.unwrap().omit({ limit: true });

export async function GET(request: Request): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const filters = csvFiltersSchema.safeParse(params);
  if (!filters.success)
    return textResponse(400, `invalid ${formatZodIssue(filters.error, 'filter')}`);
  const runs = await listRuns(await getDb(), { ...filters.data, limit: 1000 });
  return new Response(runsToCsv(mayWrite(request) ? runs : hideServerPaths(runs)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="convlab-runs.csv"',
      'x-content-type-options': 'nosniff',
    },
  });
}
