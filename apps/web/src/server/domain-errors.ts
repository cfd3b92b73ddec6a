/** Maps the database layer's errors onto tRPC error codes, so clients see 404/409/400, not 500. */
import { RunLocationError } from '@convlab/core/policy';
import {
  InvalidRunConfigError,
  InvalidSweepError,
  RunNotFoundError,
  RunStateError,
  SweepNotFoundError,
} from '@convlab/db';
import { TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';

export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError) {
    const mapped = toTRPCError(error.cause);
    return mapped instanceof TRPCError ? mapped : error;
  }
  if (error instanceof RunNotFoundError || error instanceof SweepNotFoundError) {
    return new TRPCError({ code: 'NOT_FOUND', message: error.message, cause: error });
  }
  if (error instanceof RunStateError) {
    return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  }
  if (error instanceof InvalidRunConfigError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error.zodError });
  }
  if (error instanceof RunLocationError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: fieldError(error) });
  }
  if (error instanceof InvalidSweepError) {
    // The one line as the message; the param it names as the field, so the form marks that input.
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: error.message,
      cause: issueAt([error.param], error.message),
    });
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

/** A ZodError naming the run-config field, so the queue form shows the message next to that input. */
function fieldError(error: RunLocationError): ZodError | undefined {
  return issueAt(['config', error.field], error.message);
}

/** A ZodError with one issue at `path`: the error formatter turns it into `fieldErrors`. */
function issueAt(path: string[], message: string): ZodError | undefined {
  return z
    .unknown()
    .superRefine((_, ctx) => {
      ctx.addIssue({ code: 'custom', path, message });
    })
    .safeParse(null).error;
}
