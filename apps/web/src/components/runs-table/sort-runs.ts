/** The leaderboard's order: one column, either direction, missing values last. */
import { COLUMNS, type Run } from './run-columns.ts';

export interface Sort {
  key: string;
  descending: boolean;
}

function compareValues(a: number | string | null, b: number | string | null): number {
  // Missing values always sort last, whatever the direction (handled by the caller).
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function sortRuns(runs: Run[], sort: Sort, now: Date): Run[] {
  const column = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[COLUMNS.length - 1];
  if (!column) return runs;
  return [...runs].sort((x, y) => {
    const a = column.value(x, now);
    const b = column.value(y, now);
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    const order = compareValues(a, b);
    return sort.descending ? -order : order;
  });
}
