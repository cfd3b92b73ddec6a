/**
 * GET /api/sweeps/<id>/trials.csv → the sweep's trials as CSV, best first, one column per swept
 * param (as `convlab sweep show <id> --csv` prints it).
 */
import { getSweepDetail, sweepToCsv } from '@convlab/db';
import { getDb } from '~/server/db.ts';
import { mayWrite, refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';
import { hideServerPaths } from '~/server/server-paths.ts';
import { sweepIdSchema } from '~/server/routers/sweeps/sweeps-schemas.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id } = await params;
  if (!sweepIdSchema.safeParse(id).success) return textResponse(400, 'not a sweep id');
  const sweep = await getSweepDetail(await getDb(), id);
  if (!sweep) return textResponse(404, `no sweep with id ${id}`);
  return new Response(sweepToCsv(mayWrite(request) ? sweep : hideServerPaths(sweep)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="convlab-sweep-${id}.csv"`,
      'x-content-type-options': 'nosniff',
    },
  });
}
