/**
 * Raw SQL (used where a statement must be atomic) returns rows in storage types: SQLite keeps
 * DateTime as text and Boolean as 0/1. This turns such a row back into the Run that Prisma's own
 * queries return.
 */
import type { Run } from './generated/prisma/client.ts';
import { fromSqliteTime } from './sqlite-time.ts';

const DATE_FIELDS = new Set<string>([
  'leaseExpiresAt',
  'heartbeatAt',
  'createdAt',
  'startedAt',
  'finishedAt',
  'progressAt',
]);
const BOOLEAN_FIELDS = new Set<string>(['cancelRequested']);

export function runFromRow(row: Record<string, unknown>): Run {
  const run: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) run[key] = null;
    else if (DATE_FIELDS.has(key)) run[key] = fromSqliteTime(value);
    else if (BOOLEAN_FIELDS.has(key)) run[key] = value === true || Number(value) === 1;
    else if (typeof value === 'bigint') run[key] = Number(value);
    else run[key] = value;
  }
  return run as unknown as Run;
}
