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

/** Decimals a confidence shows at most; closer to 100% than that reads ">99.9999%". */
const MAX_CONFIDENCE_DECIMALS = 4;

/**
 * A probability as a percent with enough decimals to show two digits of its distance from 100%, so
 * confident predictions stay distinct and rankable (0.9997 → "99.97%", 0.999996 → "99.9996%",
 * 0.62 → "62%") instead of all reading "100%".
 */
export function formatConfidence(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const percent = value * 100;
  const distance = 100 - percent;
  if (distance <= 0) return '100%';
  const decimals = Math.min(
    MAX_CONFIDENCE_DECIMALS,
    Math.max(0, Math.ceil(-Math.log10(distance)) + 1),
  );
  const text = percent.toFixed(decimals);
  // Rounding would claim certainty the model did not have.
  if (Number(text) >= 100)
    return `>${(100 - 10 ** -MAX_CONFIDENCE_DECIMALS).toFixed(MAX_CONFIDENCE_DECIMALS)}%`;
  return `${text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text}%`;
}

/** Training throughput: "1,720 img/s". */
export function formatImagesPerSecond(imagesPerSecond: number): string {
  return `${Math.round(imagesPerSecond).toLocaleString('en-US')} img/s`;
}
