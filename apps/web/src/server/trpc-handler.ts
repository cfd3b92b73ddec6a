/** The tRPC HTTP endpoint (/api/trpc): one function, so the route and the HTTP tests run the same. */
import type { PrismaClient } from '@convlab/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { decideAccess, type AccessPolicy } from './access.ts';
import { limitBody } from './request-body.ts';
import { appRouter } from './root.ts';
import { createTRPCContext, type TRPCContext } from './trpc.ts';

/** At most this many procedures in one batched request (the client sends at most 10: trpc/client.tsx). */
export const MAX_BATCH_SIZE = 20;
/** Request bodies past this are refused before they are read whole (predict's images are the largest). */
export const MAX_BODY_BYTES = 34 * 1024 * 1024;

export async function handleTRPCRequest(
  incoming: Request,
  context: {
    db: () => Promise<PrismaClient>;
    policy: AccessPolicy;
    dataPolicy: TRPCContext['dataPolicy'];
  },
): Promise<Response> {
  // Nothing is read from a request that may not even read: its body is dropped unread, and tRPC
  // answers it as usual (UNAUTHORIZED from every procedure but the public ones, which take no input).
  const request = decideAccess(context.policy, incoming.headers, 'read').allowed
    ? await limitBody(incoming, MAX_BODY_BYTES)
    : await withoutBody(incoming);
  if (request instanceof Response) return request;
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

/** The request with its body discarded unread. */
async function withoutBody(request: Request): Promise<Request> {
  await request.body?.cancel();
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, {
    method: request.method,
    headers,
    body: request.method === 'GET' || request.method === 'HEAD' ? null : '',
  });
}
