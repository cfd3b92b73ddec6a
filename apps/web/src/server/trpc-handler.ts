/** The tRPC HTTP endpoint (/api/trpc): one function, so the route and the HTTP tests run the same. */
import type { PrismaClient } from '@convlab/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AccessPolicy } from './access.ts';
import { appRouter } from './root.ts';
import { createTRPCContext, type TRPCContext } from './trpc.ts';

/** At most this many procedures in one batched request (the client sends at most 10: trpc/client.tsx). */
export const MAX_BATCH_SIZE = 20;

export function handleTRPCRequest(
  request: Request,
  context: {
    db: () => Promise<PrismaClient>;
    policy: AccessPolicy;
    dataPolicy: TRPCContext['dataPolicy'];
  },
): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: async () =>
      createTRPCContext({
        db: await context.db(),
        headers: request.headers,
        policy: context.policy,
        dataPolicy: context.dataPolicy,
      }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
      }
    },
  });
}
