/** Maps the database layer's errors onto tRPC error codes, so clients see 404/409/400, not 500. */
import { InvalidRunConfigError, RunNotFoundError, RunStateError } from '@convlab/db';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError) {
    const mapped = toTRPCError(error.cause);
    return mapped instanceof TRPCError ? mapped : error;
  }
  if (error instanceof RunNotFoundError) {
    return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  }
  if (error instanceof RunStateError) {
    return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  }
  if (error instanceof InvalidRunConfigError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error.zodError });
  }
  if (error instanceof ZodError) {
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: error.issues[0]?.message ?? 'invalid input',
      cause: error,
    });
  }
  return error;
}
