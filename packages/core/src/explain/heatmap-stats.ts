/**
 * Numbers that say whether a heatmap means something: how much of its mass falls in a box (the object),
 * and how alike two maps rank their pixels (Spearman), the sanity check of Adebayo et al. (NeurIPS
 * 2018): maps of a model with re-initialised weights should not look like the trained model's.
 */
import type { PixelBox } from '../data/types.ts';

/** The share (0–1) of the map's total mass inside the box; 0 for a map with no mass. */
export function heatmapMassInBox(
  map: ArrayLike<number>,
  width: number,
  height: number,
  box: PixelBox,
): number {
  if (map.length !== width * height)
    throw new Error(`heatmapMassInBox: ${map.length} values for ${width}×${height}`);
  let total = 0;
  let inside = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.max(0, map[y * width + x] ?? 0);
      total += v;
      if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) inside += v;
    }
  }
  return total > 0 ? inside / total : 0;
}

/** The box's share of the image area (clipped to the image). */
export function boxAreaShare(width: number, height: number, box: PixelBox): number {
  const w = Math.max(0, Math.min(width, box.x1) - Math.max(0, box.x0));
  const h = Math.max(0, Math.min(height, box.y1) - Math.max(0, box.y0));
  return (w * h) / (width * height);
}

/** Ranks 1…n, ties sharing their mean rank. */
function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => (values[a] ?? 0) - (values[b] ?? 0),
  );
  const result = new Float64Array(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) result[order[k]!] = rank;
    i = j + 1;
  }
  return result;
}

/** Spearman's rank correlation of two equally long series (0 when either is constant). */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2)
    throw new Error(
      `spearmanCorrelation: needs two series of one length ≥ 2 (${a.length}, ${b.length})`,
    );
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (a.length + 1) / 2;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i]! - mean;
    const db = rb[i]! - mean;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  return varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : 0;
}
