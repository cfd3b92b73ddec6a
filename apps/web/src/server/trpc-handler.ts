/** The tRPC HTTP endpoint (/api/trpc): one function, so the route and the HTTP tests run the same. */
import type { PrismaClient } from '@convlab/db';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AccessPolicy } from './access.ts';
import { appRouter } from './root.ts';
import { createTRPCContext, type TRPCContext } from './trpc.ts';

/** At most this many procedures in one batched request (the client sends at most 10: trpc/client.tsx). */
export const MAX_BATCH_SIZE = 20;
/** Request bodies past this are refused before they are read whole (predict's images are the largest). */
export const MAX_BODY_BYTES = 34 * 1024 * 1024;

/**
 * The request with its body read, or a 413 response when the body is (or turns out to be) larger than
 * `maxBytes`: the fetch adapter would otherwise read any body whole before the input is validated.
 */
export async function limitBody(request: Request, maxBytes: number): Promise<Request | Response> {
  const tooLarge = () =>
    new Response(`request body too large: at most ${maxBytes} bytes`, { status: 413 });
  if (!request.body) return request;
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return tooLarge();
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: Buffer.concat(chunks),
  });
}

export async function handleTRPCRequest(
  incoming: Request,
  context: {
    db: () => Promise<PrismaClient>;
    policy: AccessPolicy;
    dataPolicy: TRPCContext['dataPolicy'];
  },
): Promise<Response> {
  const request = await limitBody(incoming, MAX_BODY_BYTES);
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
