/** Run configs enter the database only through core's resolveRunConfig; bad input gets one line. */
import { describeConfigError, resolveRunConfig, type RunConfig } from '@convlab/core/contracts';
import { ZodError } from 'zod';

/** Thrown for an invalid run config; `message` is one line naming the field (e.g. "epochs: ..."). */
export class InvalidRunConfigError extends Error {
  override name = 'InvalidRunConfigError';
  constructor(
    message: string,
    readonly zodError: ZodError,
  ) {
    super(message);
  }
}

/** Core's `describeConfigError`, re-exported: a ZodError as one line naming the first bad field. */
export function describeRunConfigError(error: ZodError): string {
  return describeConfigError(error);
}

/** Resolves a `RunConfigInput` (preset + overrides) to a full RunConfig, or throws InvalidRunConfigError. */
export function resolveRunConfigOrThrow(input: unknown): RunConfig {
  try {
    return resolveRunConfig(input);
  } catch (error) {
    if (error instanceof ZodError) {
      throw new InvalidRunConfigError(`invalid run config: ${describeConfigError(error)}`, error);
    }
    throw error;
  }
}
