/**
 * How DateTime values are stored in SQLite. Prisma's better-sqlite3 adapter (default
 * `timestampFormat: 'iso8601'`) writes `Date#toISOString()` with `Z` spelled `+00:00`, and string
 * comparison orders these correctly. Raw SQL written here stores and compares the same text.
 */
export function toSqliteTime(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** Parses a DateTime column read through raw SQL (text, or epoch milliseconds from older rows). */
export function fromSqliteTime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') {
    // CURRENT_TIMESTAMP defaults look like "2026-01-01 12:00:00" (UTC, no zone).
    const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)
      ? value.replace(' ', 'T') + 'Z'
      : value;
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`not a stored DateTime: ${String(value)}`);
}
