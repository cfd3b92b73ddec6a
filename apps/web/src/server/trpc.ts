/**
 * tRPC set-up: the request context, the error shape (validation errors carry one message per field so
 * the queue form can show them next to the inputs) and the procedures, which differ only in the access
 * they need (see access.ts).
 */
import type { DataPolicy } from '@convlab/core/policy';
import type { PrismaClient } from '@convlab/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { decideAccess, type AccessLevel, type AccessPolicy } from './access.ts';
import { toTRPCError } from './domain-errors.ts';
import { hidePathsInText, hideServerPaths } from './server-paths.ts';

export interface TRPCContext {
  db: PrismaClient;
  headers: Headers;
  policy: AccessPolicy;
  /** Where queued folder datasets and weights may point (the environment's, see env.ts). */
  dataPolicy: Pick<DataPolicy, 'datasetRoots' | 'weights' | 'images'>;
}

export function createTRPCContext(options: TRPCContext): TRPCContext {
  return options;
}

/** `{ "epochs": "Too big: …" }` — the first message per field, paths relative to the run config. */
function fieldErrorsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    if (path[0] === 'config') path.shift();
    const key = path.length > 0 ? path.join('.') : '_form';
    fields[key] ??= issue.message;
  }
  return fields;
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    const fieldErrors = error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : null;
    // Error messages can name files too (a damaged dataset, a missing folder): cut for readers.
    const reader = ctx !== undefined && !decideAccess(ctx.policy, ctx.headers, 'write').allowed;
    const message = reader ? hidePathsInText(shape.message) : shape.message;
    return { ...shape, message, data: { ...shape.data, fieldErrors } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure reports the database layer's errors with a fitting code (see domain-errors.ts). */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error);
    if (mapped !== result.error) throw mapped;
  }
  return result;
});
const procedure = t.procedure.use(domainErrors);

function requireAccess(level: AccessLevel) {
  return t.middleware(({ ctx, next }) => {
    const decision = decideAccess(ctx.policy, ctx.headers, level);
    if (!decision.allowed) {
      throw new TRPCError({
        code: decision.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
        message: decision.message,
      });
    }
    return next();
  });
}

/** Readers who may not change anything are never shown server paths (see server-paths.ts). */
const hidePathsFromReaders = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok || decideAccess(ctx.policy, ctx.headers, 'write').allowed) return result;
  return { ...result, data: hideServerPaths(result.data) };
});

/** No access check: only for what the sign-in flow needs. */
export const publicProcedure = procedure;
/** Reading runs, reports, workers, presets. */
export const readProcedure = procedure.use(requireAccess('read')).use(hidePathsFromReaders);
/** Queueing, cancelling, retrying, deleting. */
export const writeProcedure = procedure.use(requireAccess('write'));
