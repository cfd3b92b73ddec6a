/**
 * Waiting out a database that is briefly unreachable (a PostgreSQL restart, a network blip): retry
 * with exponential backoff, logging each failure, instead of failing runs that are training fine.
 * Other errors are thrown at once.
 */
import type { Logger } from './logger.ts';

export interface RetryOptions {
  logger: Logger;
  /** What is being written, for the log. */
  what: string;
  /** Give up (rethrow) after this long; default 5 minutes. */
  maxMs?: number;
  /** First wait; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Whether an error means "the database is not reachable right now" (worth waiting out), as opposed to
 * one a retry cannot fix (invalid data, a constraint): connection refused or reset, the server
 * shutting down or starting up (SQLSTATE 57P01–57P03, class 08), Prisma's P1001/P1017, SQLite busy.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const record = e as { message?: unknown; code?: unknown; cause?: unknown };
    for (const part of [record.message, record.code])
      if (typeof part === 'string' || typeof part === 'number') parts.push(String(part));
    e = record.cause;
  }
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Connection terminated|terminating connection|database system is (starting up|shutting down)|Can't reach database|closed the connection|\bP10(01|17)\b|\b57P0[123]\b|\b08\d{3}\b|SQLITE_BUSY/i.test(
    parts.join(' '),
  );
}

/** The next wait of an exponential backoff: double the last, capped. */
export function nextBackoffMs(lastMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(1, lastMs) * 2);
}

export async function withDatabaseRetry<T>(
  action: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const started = Date.now();
  const maxMs = options.maxMs ?? 300_000;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  let delay = options.initialDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (!isTransientDatabaseError(error) || Date.now() - started + delay > maxMs) throw error;
      options.logger.warn(
        { event: 'database.retry', what: options.what, attempt, delayMs: delay, err: error },
        `database unavailable while ${options.what}; retrying in ${delay} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = nextBackoffMs(delay, maxDelayMs);
    }
  }
}
