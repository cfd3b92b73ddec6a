/**
 * Paired comparisons for machines whose speed drifts (one host here swings 2× within minutes): the two
 * sides are measured in interleaved rounds A, B, A, B … so both see the same machine, after a warm-up
 * that lasts until three consecutive warm-up rounds of each side agree within 5 %. Then at least 7
 * rounds each; the result is the median of the per-round ratios A/B with their min and max. Absolute
 * img/s come along for reference only.
 */

/** One side of a comparison: a warm process that times one round on request. */
export interface RoundSource {
  /** What its rates measure, e.g. "PyTorch 1.13 seed-cnn train, 1 thread". */
  label: string;
  /** One timed round: images per second. */
  round(): Promise<number>;
  close(): Promise<void>;
}

export interface PairedOptions {
  /** Measured rounds of each side (at least 7). */
  rounds?: number;
  /** Consecutive warm-up rounds that must agree… */
  window?: number;
  /** …within this relative spread (max / min − 1). */
  tolerance?: number;
  /** Give up waiting for agreement after this many warm-up rounds (the result says so). */
  maxWarmupRounds?: number;
}

/** What results.json carries for a paired case. */
export interface PairedSummary {
  against: string;
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export interface PairedResult {
  paired: PairedSummary;
  /** Warm-up rounds each side ran, and whether they reached agreement (false: capped). */
  warmupRounds: number;
  warm: boolean;
  /** Per-round img/s of each side, in order. */
  a: number[];
  b: number[];
}

function assertRates(values: number[], what: string): void {
  for (const v of values) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${what}: ${v} is not a positive rate`);
  }
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** True when the last `window` values agree within `tolerance` (max / min − 1). */
export function lastRoundsAgree(values: number[], window = 3, tolerance = 0.05): boolean {
  if (values.length < window) return false;
  const last = values.slice(-window);
  assertRates(last, 'warm-up round');
  return Math.max(...last) / Math.min(...last) - 1 <= tolerance;
}

/** The per-round ratios a[i] / b[i], summarised as median, min and max. */
export function summarizeRatios(a: number[], b: number[], against: string): PairedSummary {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(`paired rounds must match and be non-empty (${a.length} vs ${b.length})`);
  }
  assertRates(a, 'round of A');
  assertRates(b, 'round of B');
  const ratios = a.map((value, i) => value / b[i]!);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    against,
    median: round3(median(ratios)),
    min: round3(Math.min(...ratios)),
    max: round3(Math.max(...ratios)),
    rounds: ratios.length,
  };
}

/** Measures A against B in interleaved rounds (see the file comment). */
export async function comparePaired(
  a: RoundSource,
  b: RoundSource,
  options: PairedOptions = {},
): Promise<PairedResult> {
  const { rounds = 7, window = 3, tolerance = 0.05, maxWarmupRounds = 20 } = options;
  if (!Number.isInteger(rounds) || rounds < 7) throw new Error(`rounds must be ≥ 7, got ${rounds}`);
  const warmA: number[] = [];
  const warmB: number[] = [];
  let warm = false;
  while (warmA.length < maxWarmupRounds) {
    warmA.push(await a.round());
    warmB.push(await b.round());
    warm = lastRoundsAgree(warmA, window, tolerance) && lastRoundsAgree(warmB, window, tolerance);
    if (warm) break;
  }
  const measuredA: number[] = [];
  const measuredB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    measuredA.push(await a.round());
    measuredB.push(await b.round());
  }
  return {
    paired: summarizeRatios(measuredA, measuredB, b.label),
    warmupRounds: warmA.length,
    warm,
    a: measuredA.map((x) => Math.round(x * 10) / 10),
    b: measuredB.map((x) => Math.round(x * 10) / 10),
  };
}

/** Several sources timed at once (e.g. two processes on two cores): a round's rate is their sum. */
export function together(label: string, sources: RoundSource[]): RoundSource {
  return {
    label,
    round: async () =>
      (await Promise.all(sources.map((s) => s.round()))).reduce((x, y) => x + y, 0),
    close: async () => void (await Promise.all(sources.map((s) => s.close()))),
  };
}
