import { describe, expect, it } from 'vitest';
import {
  generateSynthetic,
  loadDataset,
  mulberry32,
  shuffledIndices,
  stratifiedSelect,
  SYNTHETIC_CLASS_NAMES,
  type ImageSet,
} from '../../src/index.ts';

/** Byte-array equality without vitest's slow element-by-element deep equal. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.numClasses).fill(0);
  for (const label of set.labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

describe('mulberry32 and shuffles', () => {
  it('is deterministic from the seed and uniform-ish', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / 1000).toBeCloseTo(0.5, 1);
    expect(mulberry32(8)()).not.toBe(mulberry32(7)());
  });

  it('shuffledIndices is a seeded permutation', () => {
    const order = shuffledIndices(100, mulberry32(1));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).toEqual(shuffledIndices(100, mulberry32(1)));
    expect(order).not.toEqual(shuffledIndices(100, mulberry32(2)));
  });
});

describe('stratifiedSelect', () => {
  it('keeps each class within ±1 of its proportion and partitions the indices', () => {
    // Unbalanced classes: 0 → 50, 1 → 31, 2 → 7, 3 → 12.
    const labels = [
      ...Array<number>(50).fill(0),
      ...Array<number>(31).fill(1),
      ...Array<number>(7).fill(2),
      ...Array<number>(12).fill(3),
    ];
    const { selected, rest } = stratifiedSelect(labels, 4, 23, mulberry32(9));
    expect(selected.length).toBe(23);
    expect(new Set([...selected, ...rest]).size).toBe(100);
    const per = [0, 0, 0, 0];
    for (const i of selected) per[labels[i] ?? 0]! += 1;
    [50, 31, 7, 12].forEach((n, c) =>
      expect(Math.abs(per[c]! - (n * 23) / 100)).toBeLessThanOrEqual(1),
    );
  });
});

describe('synthetic dataset', () => {
  it('is deterministic from the seed, balanced, 32×32 RGB', () => {
    const a = generateSynthetic(200, 5);
    const b = generateSynthetic(200, 5);
    const c = generateSynthetic(200, 6);
    expect(sameBytes(a.images, b.images)).toBe(true);
    expect(sameBytes(a.images, c.images)).toBe(false);
    expect(a).toMatchObject({ count: 200, height: 32, width: 32, channels: 3, numClasses: 10 });
    expect(a.images.length).toBe(200 * 32 * 32 * 3);
    expect(classCounts(a)).toEqual(new Array(10).fill(20));
    expect(SYNTHETIC_CLASS_NAMES).toHaveLength(10);
  });

  it('loadDataset carves stratified, seeded validation and limit subsets', async () => {
    const options = { seed: 42, validationSplit: 0.1, trainLimit: 300, testLimit: 100 };
    const dataset = await loadDataset('synthetic', options);
    expect(dataset.classNames).toEqual(SYNTHETIC_CLASS_NAMES);
    expect(dataset.train.count + dataset.val.count).toBe(300);
    expect(dataset.val.count).toBe(30);
    expect(dataset.test.count).toBe(100);
    for (const count of classCounts(dataset.val))
      expect(Math.abs(count - 3)).toBeLessThanOrEqual(1);
    for (const count of classCounts(dataset.train))
      expect(Math.abs(count - 27)).toBeLessThanOrEqual(1);
    for (const count of classCounts(dataset.test))
      expect(Math.abs(count - 10)).toBeLessThanOrEqual(1);

    const again = await loadDataset('synthetic', options);
    expect(sameBytes(again.train.images, dataset.train.images)).toBe(true);
    expect(again.val.labels).toEqual(dataset.val.labels);
    const other = await loadDataset('synthetic', { ...options, seed: 43 });
    expect(sameBytes(other.train.images, dataset.train.images)).toBe(false);

    const full = await loadDataset('synthetic', { seed: 1, validationSplit: 0.1 });
    expect([full.train.count, full.val.count, full.test.count]).toEqual([1800, 200, 500]);
  });

  it('rejects bad options with a clear error', async () => {
    await expect(loadDataset('synthetic', { seed: 1, validationSplit: 1.5 })).rejects.toThrow(
      /validationSplit/,
    );
    await expect(loadDataset('nope', { seed: 1 })).rejects.toThrow(/unknown dataset "nope"/);
  });
});
