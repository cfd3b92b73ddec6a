import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { webEnv } from '~/env.ts';
import { accessPolicyFromEnv } from '~/server/access.ts';
import { getDb } from '~/server/db.ts';
import { appRouter } from '~/server/root.ts';
import { createTRPCContext } from '~/server/trpc.ts';

export const dynamic = 'force-dynamic';

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: async () =>
      createTRPCContext({
        db: await getDb(),
        headers: request.headers,
        policy: accessPolicyFromEnv(webEnv()),
      }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
      }
    },
  });
}

export { handler as GET, handler as POST };
