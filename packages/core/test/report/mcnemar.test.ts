import { describe, expect, it } from 'vitest';
import { discordantPairs, mcnemarExactPValue, mcnemarTest } from '../../src/report/index.ts';

describe("McNemar's exact test", () => {
  it('matches a hand-computed case: b=1, c=7', () => {
    // P(X ≤ 1) for X ~ Bin(8, ½) = (1 + 8) / 256; two-sided: 18/256 = 0.0703125.
    expect(mcnemarExactPValue(1, 7)).toBeCloseTo(0.0703125, 12);
    expect(mcnemarExactPValue(7, 1)).toBeCloseTo(0.0703125, 12);
  });

  it('matches more hand-computed cases', () => {
    // b=0, c=5: 2 · 1/32.
    expect(mcnemarExactPValue(0, 5)).toBeCloseTo(0.0625, 12);
    // b=2, c=10: 2 · (1 + 12 + 66) / 4096.
    expect(mcnemarExactPValue(2, 10)).toBeCloseTo((2 * 79) / 4096, 12);
  });

  it('is 1 with no discordant pairs and never exceeds 1', () => {
    expect(mcnemarExactPValue(0, 0)).toBe(1);
    expect(mcnemarExactPValue(3, 3)).toBe(1);
    expect(mcnemarExactPValue(50, 51)).toBeLessThanOrEqual(1);
  });

  it('stays finite and right for a million discordant pairs', () => {
    // Equal halves: p = 1. 499,000 vs 501,000 is 2 standard deviations (500) from the mean: the
    // continuity-corrected normal approximation gives 2·Φ(−999.5/500) = 0.04561.
    expect(mcnemarExactPValue(500_000, 500_000)).toBe(1);
    expect(mcnemarExactPValue(499_000, 501_000)).toBeCloseTo(0.04561, 4);
    expect(mcnemarExactPValue(0, 1_000_000)).toBe(0);
  });

  it('refuses negative or fractional counts', () => {
    expect(() => mcnemarExactPValue(-1, 2)).toThrow(/non-negative integers/);
    expect(() => mcnemarExactPValue(1.5, 2)).toThrow(/non-negative integers/);
  });

  it('counts the discordant images of two runs', () => {
    const labels = [0, 1, 2, 0, 1, 2];
    const a = [0, 1, 2, 1, 1, 0]; // right on 0, 1, 2, 4
    const b = [0, 0, 2, 0, 2, 0]; // right on 0, 2, 3
    expect(discordantPairs(a, b, labels)).toEqual({ b: 2, c: 1 });
    expect(mcnemarTest(a, b, labels)).toEqual({ b: 2, c: 1, n: 6, pValue: 1 });
    expect(() => discordantPairs(a, b.slice(1), labels)).toThrow(/one prediction per test image/);
  });
});
