/** How the report writes its numbers: one place, so the analysis, the tables and the tests agree. */

/** An accuracy or rate as a percentage with one decimal: 0.7251 → "72.5%". */
export function formatPercent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** A difference of two accuracies in percentage points, two decimals so small gaps still show. */
export function formatPoints(difference: number): string {
  return `${(Math.abs(difference) * 100).toFixed(2)} percentage points`;
}

/** A signed difference in points, e.g. the overfitting gap: "−12.41 percentage points". */
export function formatSignedPoints(difference: number): string {
  const sign = difference < 0 ? '−' : '';
  return `${sign}${formatPoints(difference)}`;
}

/** F1, precision and recall scores: three decimals, as scikit-learn's report prints them. */
export function formatScore(value: number): string {
  return value.toFixed(3);
}

/** A loss: four decimals. */
export function formatLoss(value: number): string {
  return value.toFixed(4);
}

/** A p-value: four decimals, or scientific notation below 0.001 so it never reads as 0. */
export function formatPValue(p: number): string {
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(2) : p.toFixed(4);
}

/** A count with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Seconds as "41.0 s", or "3m 20s" from two minutes on. */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${Math.round(seconds - minutes * 60)}s`;
}

/** "a", "a and b", "a, b and c". */
export function formatList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}
