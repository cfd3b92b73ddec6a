/**
 * A run as db's functions return it, and the reading of rows into it. The status column is a string
 * in the schema (SQLite has no enums); every row read here is checked to hold one of core's statuses,
 * so callers compare typed statuses. Raw SQL (used where a statement must be atomic) also returns
 * rows in storage types: SQLite keeps DateTime as text and Boolean as 0/1.
 */
import { isRunStatus, type RunStatus } from './run-status.ts';
import type { Run as RunRow } from './generated/prisma/client.ts';
import { fromSqliteTime } from './sqlite-time.ts';

/** The Run row with its status narrowed to core's RunStatus. */
export type Run = Omit<RunRow, 'status'> & { status: RunStatus };

/** A stored status as core's RunStatus. */
export function toRunStatus(status: string): RunStatus {
  // Only this package writes statuses, always core's: anything else is a corrupt row.
  if (!isRunStatus(status)) throw new Error(`stored Run.status is not a run status: ${status}`);
  return status;
}

/** A row read with Prisma (all of it or a selection), its status checked and typed. */
export function withRunStatus<T extends { status: string }>(
  row: T,
): Omit<T, 'status'> & { status: RunStatus } {
  return { ...row, status: toRunStatus(row.status) };
}

const DATE_FIELDS = new Set<string>([
  'leaseExpiresAt',
  'heartbeatAt',
  'createdAt',
  'startedAt',
  'finishedAt',
  'progressAt',
]);
const BOOLEAN_FIELDS = new Set<string>(['cancelRequested']);

/** A row of raw SQL (`RETURNING *`, `SELECT *`) as the Run that Prisma's own queries return. */
export function runFromRow(row: Record<string, unknown>): Run {
  const run: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) run[key] = null;
    else if (DATE_FIELDS.has(key)) run[key] = fromSqliteTime(value);
    else if (BOOLEAN_FIELDS.has(key)) run[key] = value === true || Number(value) === 1;
    else if (typeof value === 'bigint') run[key] = Number(value);
    else run[key] = value;
  }
  return withRunStatus(run as unknown as RunRow);
}
