import { webEnv } from '~/env.ts';
import { accessPolicyFromEnv } from '~/server/access.ts';
import { getDb } from '~/server/db.ts';
import { handleTRPCRequest } from '~/server/trpc-handler.ts';

export const dynamic = 'force-dynamic';

function handler(request: Request): Promise<Response> {
  const env = webEnv();
  return handleTRPCRequest(request, {
    db: getDb,
    policy: accessPolicyFromEnv(env),
    dataPolicy: env.policy,
  });
}

export { handler as GET, handler as POST };
