/**
 * GET /api/health → 200 "ok" while the dashboard can answer (its database replies), else 503. For a
 * container's HEALTHCHECK and Kubernetes' probes, which carry no token: it says nothing but ok or not.
 */
import { getDb } from '~/server/db.ts';
import { textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  try {
    await (await getDb()).$queryRawUnsafe('SELECT 1');
    return textResponse(200, 'ok');
  } catch (error) {
    console.error('health check: the database does not answer:', error);
    return textResponse(503, 'the database does not answer');
  }
}
