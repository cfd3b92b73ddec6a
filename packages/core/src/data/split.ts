/**
 * Stratified, seeded selection of images: the validation split and the train/test limits keep every
 * class's share of the data (each class within ±1 image of its exact proportion).
 */
import { shuffleInPlace, type Rng } from './random.ts';
import type { ImageSet } from './types.ts';

export interface StratifiedSelection {
  /** Indices chosen, ascending. */
  selected: Int32Array;
  /** The other indices, ascending. */
  rest: Int32Array;
}

/** Choose `count` indices stratified by label: class c gets its proportional share, rounded by largest remainder. */
export function stratifiedSelect(
  labels: ArrayLike<number>,
  numClasses: number,
  count: number,
  rng: Rng,
): StratifiedSelection {
  const total = labels.length;
  if (!Number.isInteger(count) || count < 0 || count > total) {
    throw new Error(`stratifiedSelect: count must be an integer in [0, ${total}], got ${count}`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < total; i++) {
    const label = labels[i] ?? -1;
    const bucket = byClass[label];
    if (!bucket)
      throw new Error(
        `stratifiedSelect: label ${label} at index ${i} is outside [0, ${numClasses})`,
      );
    bucket.push(i);
  }
  const quotas = byClass.map((members) => (members.length * count) / Math.max(total, 1));
  const shares = quotas.map(Math.floor);
  let missing = count - shares.reduce((sum, share) => sum + share, 0);
  // Largest remainder first; ties broken in a seeded order so no class is always favoured.
  const order = shuffleInPlace(
    byClass.map((_, c) => c),
    rng,
  ).sort((a, b) => (quotas[b] ?? 0) - (shares[b] ?? 0) - ((quotas[a] ?? 0) - (shares[a] ?? 0)));
  for (const c of order) {
    if (missing <= 0) break;
    if ((shares[c] ?? 0) < (byClass[c]?.length ?? 0)) {
      shares[c] = (shares[c] ?? 0) + 1;
      missing--;
    }
  }
  const chosen = new Uint8Array(total);
  byClass.forEach((members, c) => {
    shuffleInPlace(members, rng);
    for (let k = 0; k < (shares[c] ?? 0); k++) chosen[members[k] ?? 0] = 1;
  });
  const selected = new Int32Array(count);
  const rest = new Int32Array(total - count);
  let s = 0;
  let r = 0;
  for (let i = 0; i < total; i++) {
    if (chosen[i]) selected[s++] = i;
    else rest[r++] = i;
  }
  return { selected, rest };
}

/** A new ImageSet holding copies of the given images, in the given order. */
export function subsetImageSet(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const imageBytes = set.height * set.width * set.channels;
  const images = new Uint8Array(indices.length * imageBytes);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k] ?? -1;
    if (index < 0 || index >= set.count)
      throw new Error(`subsetImageSet: index ${index} out of range`);
    images.set(set.images.subarray(index * imageBytes, (index + 1) * imageBytes), k * imageBytes);
    labels[k] = set.labels[index] ?? 0;
  }
  const sources = set.sources
    ? Array.from({ length: indices.length }, (_, k) => set.sources?.[indices[k] ?? 0] ?? '')
    : undefined;
  return { ...set, images, labels, count: indices.length, ...(sources ? { sources } : {}) };
}

/** A stratified seeded subset of at most `limit` images (the whole set when it is smaller). */
export function limitImageSet(set: ImageSet, limit: number | null | undefined, rng: Rng): ImageSet {
  if (limit === null || limit === undefined || limit >= set.count) return set;
  return subsetImageSet(set, stratifiedSelect(set.labels, set.numClasses, limit, rng).selected);
}

/** Carve a stratified seeded validation split (`fraction` of the images) out of a training set. */
export function splitValidation(
  set: ImageSet,
  fraction: number,
  rng: Rng,
): { train: ImageSet; val: ImageSet } {
  if (!(fraction > 0 && fraction < 1))
    throw new Error(`validationSplit must be in (0, 1), got ${fraction}`);
  const valCount = Math.max(1, Math.round(set.count * fraction));
  if (valCount >= set.count)
    throw new Error(`too few images (${set.count}) to carve a validation split`);
  const { selected, rest } = stratifiedSelect(set.labels, set.numClasses, valCount, rng);
  return { train: subsetImageSet(set, rest), val: subsetImageSet(set, selected) };
}
