/**
 * A small seeded PRNG (mulberry32) so that splits, subsets, shuffles and augmentation are reproducible
 * from the run's seed on every platform (Math.random cannot be seeded).
 */

/** Returns floats uniform in [0, 1). */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  if (!Number.isFinite(seed))
    throw new Error(`mulberry32: seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for an independent stream derived from `seed` and a purpose, e.g. deriveSeed(42, 'val-split'). */
export function deriveSeed(seed: number, purpose: string): number {
  // FNV-1a over the purpose, mixed with the seed: distinct purposes give unrelated streams.
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) {
    hash ^= purpose.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Integer uniform in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Float uniform in [low, high). */
export function randomUniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** Fisher–Yates shuffle, in place. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(
  items: T,
  rng: Rng,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items;
}

/** 0..count-1 in a seeded random order (one epoch's order). */
export function shuffledIndices(count: number, rng: Rng): Int32Array {
  if (!Number.isInteger(count) || count < 0) throw new Error(`shuffledIndices: bad count ${count}`);
  const indices = new Int32Array(count);
  for (let i = 0; i < count; i++) indices[i] = i;
  return shuffleInPlace(indices, rng);
}
