/**
 * McNemar's exact test: do two classifiers, evaluated on the same test images, differ in accuracy by
 * more than chance would? Only the discordant images count: b = A right and B wrong, c = the reverse.
 * Under the null hypothesis each discordant image is a fair coin, so the two-sided p-value is
 * min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½).
 */

export interface McNemarResult {
  /** Images the first run got right and the second wrong. */
  b: number;
  /** Images the second run got right and the first wrong. */
  c: number;
  /** Test images compared. */
  n: number;
  /** Two-sided exact p-value (1 when the runs never disagree on correctness). */
  pValue: number;
}

/** ln(k!) for k = 0..n, summed once (exact enough for n up to millions: relative error ~1e-13). */
function logFactorials(n: number): Float64Array {
  const table = new Float64Array(n + 1);
  for (let k = 2; k <= n; k += 1) table[k] = (table[k - 1] ?? 0) + Math.log(k);
  return table;
}

/**
 * The two-sided exact p-value for b and c discordant pairs, computed in log space (log-sum-exp over
 * the binomial tail), so b + c of 10^6 neither overflows nor underflows to a wrong answer.
 */
export function mcnemarExactPValue(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)
    throw new RangeError(`discordant counts must be non-negative integers, got b=${b}, c=${c}`);
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const lnFact = logFactorials(n);
  const lnHalfN = n * Math.log(0.5);
  const lnTerm = (i: number) =>
    (lnFact[n] ?? 0) - (lnFact[i] ?? 0) - (lnFact[n - i] ?? 0) + lnHalfN;
  // The terms grow with i up to n/2 and k ≤ n/2, so the last is the largest: sum relative to it.
  const largest = lnTerm(k);
  let sum = 0;
  for (let i = 0; i <= k; i += 1) sum += Math.exp(lnTerm(i) - largest);
  const tail = Math.exp(largest + Math.log(sum));
  return Math.min(1, 2 * tail);
}

/** Counts the discordant images of two runs' predictions on one test set. */
export function discordantPairs(
  predictionsA: readonly number[],
  predictionsB: readonly number[],
  labels: readonly number[],
): { b: number; c: number } {
  if (predictionsA.length !== labels.length || predictionsB.length !== labels.length)
    throw new RangeError(
      `McNemar's test needs one prediction per test image from both runs (${predictionsA.length}, ${predictionsB.length} and ${labels.length} labels)`,
    );
  let b = 0;
  let c = 0;
  for (let i = 0; i < labels.length; i += 1) {
    const aRight = predictionsA[i] === labels[i];
    const bRight = predictionsB[i] === labels[i];
    if (aRight && !bRight) b += 1;
    else if (bRight && !aRight) c += 1;
  }
  return { b, c };
}

/** McNemar's exact test of two runs' paired predictions on the same test images. */
export function mcnemarTest(
  predictionsA: readonly number[],
  predictionsB: readonly number[],
  labels: readonly number[],
): McNemarResult {
  const { b, c } = discordantPairs(predictionsA, predictionsB, labels);
  return { b, c, n: labels.length, pValue: mcnemarExactPValue(b, c) };
}
