/** How numbers, durations and sizes are shown across the dashboard. */

export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** 75 → "1m 15s", 4000 → "1h 6m". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Seconds between two instants, or null when either is missing. */
export function secondsBetween(
  start: Date | null | undefined,
  end: Date | null | undefined,
): number | null {
  if (!start || !end) return null;
  return (end.getTime() - start.getTime()) / 1000;
}

export function formatAge(then: Date | null | undefined, now: Date): string {
  if (!then) return '–';
  const seconds = secondsBetween(then, now) ?? 0;
  return seconds < 1 ? 'just now' : `${formatDuration(seconds)} ago`;
}

export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return '–';
  return value.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 123456 → "123k", 2_400_000 → "2.4M" (parameter counts). */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value < 1000) return String(value);
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}
