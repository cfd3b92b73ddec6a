import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_AUGMENT,
  epochBatchIndices,
  epochBatches,
  flipTranslateImages,
  generateSynthetic,
  labelTargets,
  makeBatch,
  mulberry32,
  resizeBilinear,
  type ImageSet,
} from '../../src/index.ts';

const set = generateSynthetic(40, 11);
const noAugment = {
  rotationDegrees: 0,
  widthShift: 0,
  heightShift: 0,
  zoom: 0,
  horizontalFlip: false,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => {
  tf.disposeVariables();
});

/** A 4×4 single-channel set whose pixel value encodes its column, to see flips and shifts. */
function gradientSet(): ImageSet {
  const images = new Uint8Array(8 * 4 * 4);
  for (let i = 0; i < 8; i++) for (let p = 0; p < 16; p++) images[i * 16 + p] = (p % 4) * 80;
  return {
    images,
    labels: new Uint8Array(8),
    count: 8,
    height: 4,
    width: 4,
    channels: 1,
    numClasses: 2,
  };
}

describe('makeBatch', () => {
  it('builds one-hot labels and [0,1] / [-1,1] inputs of the right shape', () => {
    const before = tf.memory().numTensors;
    const indices = [0, 5, 9, 3];
    const unit = makeBatch(set, indices, { inputSize: 32, scaling: 'unit', channels: 3 });
    expect(unit.xs.shape).toEqual([4, 32, 32, 3]);
    expect(unit.ys.shape).toEqual([4, 10]);
    const xs = unit.xs.dataSync();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(xs[0]).toBeCloseTo((set.images[0] ?? 0) / 255, 6);
    expect(xs[32 * 32 * 3]).toBeCloseTo((set.images[5 * 32 * 32 * 3] ?? 0) / 255, 6);
    const labels = tf.tidy(() => Array.from(unit.ys.argMax(1).dataSync()));
    expect(labels).toEqual(indices.map((i) => set.labels[i]));
    expect(tf.tidy(() => unit.ys.sum().dataSync()[0])).toBe(4);

    const symmetric = makeBatch(set, indices, { inputSize: 32, scaling: 'symmetric', channels: 3 });
    const ys = symmetric.xs.dataSync();
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...ys)).toBeLessThanOrEqual(1);
    expect(ys[0]).toBeCloseTo((set.images[0] ?? 0) / 127.5 - 1, 5);
    tf.dispose([unit.xs, unit.ys, symmetric.xs, symmetric.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resizes to the input size and replicates grayscale to RGB', () => {
    const before = tf.memory().numTensors;
    const big = makeBatch(set, [1, 2], { inputSize: 96, scaling: 'symmetric', channels: 3 });
    expect(big.xs.shape).toEqual([2, 96, 96, 3]);
    const values = big.xs.dataSync();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    tf.dispose([big.xs, big.ys]);

    const gray = makeBatch(gradientSet(), [0, 1], { inputSize: 4, scaling: 'unit', channels: 3 });
    expect(gray.xs.shape).toEqual([2, 4, 4, 3]);
    const pixels = gray.xs.dataSync();
    expect([pixels[3], pixels[4], pixels[5]]).toEqual(
      [80 / 255, 80 / 255, 80 / 255].map(Math.fround),
    );
    tf.dispose([gray.xs, gray.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('flip really mirrors the image; identity augmentation changes nothing', () => {
    const source = gradientSet();
    const flipped = makeBatch(source, [0, 1, 2, 3, 4, 5, 6, 7], {
      inputSize: 4,
      scaling: 'unit',
      channels: 3,
      augment: { kind: 'affine', params: { ...noAugment, horizontalFlip: true } },
      rng: mulberry32(1),
    });
    const values = flipped.xs.dataSync();
    let mirrored = 0;
    for (let i = 0; i < 8; i++) {
      const row = [0, 1, 2, 3].map((x) => Math.round((values[(i * 16 + x) * 3] ?? 0) * 255));
      if (row.join() === '240,160,80,0') mirrored++;
      else expect(row.join()).toBe('0,80,160,240');
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(8);
    tf.dispose([flipped.xs, flipped.ys]);

    const same = makeBatch(set, [0, 1], {
      inputSize: 32,
      scaling: 'unit',
      channels: 3,
      augment: { kind: 'affine', params: noAugment },
      rng: mulberry32(2),
    });
    const plain = makeBatch(set, [0, 1], { inputSize: 32, scaling: 'unit', channels: 3 });
    expect(Array.from(same.xs.dataSync())).toEqual(Array.from(plain.xs.dataSync()));
    tf.dispose([same.xs, same.ys, plain.xs, plain.ys]);
  });

  it('default augmentation is seeded, changes images and stays in range', () => {
    const options = {
      inputSize: 32,
      scaling: 'unit' as const,
      channels: 3 as const,
      augment: { kind: 'affine' as const, params: DEFAULT_AUGMENT },
    };
    const a = makeBatch(set, [0, 1, 2, 3], { ...options, rng: mulberry32(5) });
    const b = makeBatch(set, [0, 1, 2, 3], { ...options, rng: mulberry32(5) });
    const c = makeBatch(set, [0, 1, 2, 3], { ...options, rng: mulberry32(6) });
    const plain = makeBatch(set, [0, 1, 2, 3], { inputSize: 32, scaling: 'unit', channels: 3 });
    const av = a.xs.dataSync();
    expect(a.xs.shape).toEqual([4, 32, 32, 3]);
    expect(Array.from(av)).toEqual(Array.from(b.xs.dataSync()));
    expect(Array.from(av)).not.toEqual(Array.from(c.xs.dataSync()));
    expect(Array.from(av)).not.toEqual(Array.from(plain.xs.dataSync()));
    expect(Math.min(...av)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...av)).toBeLessThanOrEqual(1);
    // Labels are untouched by augmentation.
    expect(Array.from(a.ys.dataSync())).toEqual(Array.from(plain.ys.dataSync()));
    tf.dispose([a.xs, a.ys, b.xs, b.ys, c.xs, c.ys, plain.xs, plain.ys]);
    expect(() => makeBatch(set, [0], { ...options })).toThrow(/rng/);
  });

  it('flip-translate shifts by at most 2 pixels with a reflected border, seeded', () => {
    // One 5×5 grey image whose pixel value is 10·row + column: each output pixel names its source.
    const images = Uint8Array.from({ length: 25 }, (_, p) => 10 * Math.floor(p / 5) + (p % 5));
    const source: ImageSet = { ...gradientSet(), images, count: 1, height: 5, width: 5 };
    const outputs = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const out = new Uint8Array(25);
      flipTranslateImages(images, out, 1, source, 2, mulberry32(seed));
      const again = new Uint8Array(25);
      flipTranslateImages(images, again, 1, source, 2, mulberry32(seed));
      expect(Array.from(again)).toEqual(Array.from(out));
      outputs.add(out.join());
      // Rows and columns of the output are whole rows/columns of the source, in a shifted order.
      const rowOf = (y: number) => Math.floor(out[y * 5]! / 10);
      const colOf = (x: number) => out[x]! % 10;
      for (let y = 0; y < 5; y++) {
        for (let x = 0; x < 5; x++) expect(out[y * 5 + x]).toBe(10 * rowOf(y) + colOf(x));
      }
      // A shift d maps row y to reflect(y + d): the middle row moves by |d| ≤ 2.
      expect(Math.abs(rowOf(2) - 2)).toBeLessThanOrEqual(2);
      expect(Math.abs(colOf(2) - 2)).toBeLessThanOrEqual(2);
      // Reflection, not edge repetition: row -1 is row 1 (so rows 0 and 1 both appear near the top).
      const rows = [0, 1, 2, 3, 4].map(rowOf);
      if (rows[0] === 1 && rows[1] === 0) expect(rows.slice(2)).toEqual([1, 2, 3]);
    }
    expect(outputs.size).toBeGreaterThan(10);
  });

  it('smooths labels: (1 − ε)·one-hot + ε/classes', () => {
    const smoothed = makeBatch(set, [0, 1], {
      inputSize: 32,
      scaling: 'unit',
      channels: 3,
      labelSmoothing: 0.2,
    });
    const rows = smoothed.ys.arraySync();
    for (const [k, row] of rows.entries()) {
      const label = set.labels[k]!;
      row.forEach((v, c) => expect(v).toBeCloseTo(c === label ? 0.82 : 0.02, 6));
    }
    tf.dispose([smoothed.xs, smoothed.ys]);
    expect(() => labelTargets(set, [0], 1)).toThrow(/labelSmoothing/);
  });

  it('refuses out-of-range indices', () => {
    expect(() => makeBatch(set, [40], { inputSize: 32, scaling: 'unit', channels: 3 })).toThrow(
      /index 40/,
    );
  });
});

describe('epoch batches', () => {
  it('covers every index once per epoch, shuffled by the seed', () => {
    const batches = [
      ...epochBatchIndices(103, { batchSize: 10, shuffle: true, rng: mulberry32(3) }),
    ];
    expect(batches).toHaveLength(11);
    expect(batches.at(-1)).toHaveLength(3);
    const all = batches.flatMap((b) => [...b]);
    expect([...all].sort((x, y) => x - y)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(all).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
    const dropped = [
      ...epochBatchIndices(103, { batchSize: 10, shuffle: false, dropRemainder: true }),
    ];
    expect(dropped).toHaveLength(10);
    expect([...(dropped[0] ?? [])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('yields tensors batch by batch without leaking', () => {
    const before = tf.memory().numTensors;
    let images = 0;
    for (const batch of epochBatches(set, {
      batchSize: 16,
      shuffle: true,
      rng: mulberry32(1),
      inputSize: 32,
      scaling: 'unit',
      channels: 3,
    })) {
      images += batch.xs.shape[0];
      expect(batch.ys.shape[0]).toBe(batch.indices.length);
      tf.dispose([batch.xs, batch.ys]);
    }
    expect(images).toBe(40);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('resizeBilinear (bytes)', () => {
  it('keeps a constant image constant and averages neighbours', () => {
    const flat = new Uint8Array(6 * 6 * 3).fill(77);
    expect(new Set(resizeBilinear(flat, { height: 6, width: 6, channels: 3 }, 3, 3))).toEqual(
      new Set([77]),
    );
    const halves = new Uint8Array([0, 200]);
    expect(Array.from(resizeBilinear(halves, { height: 1, width: 2, channels: 1 }, 1, 1))).toEqual([
      100,
    ]);
  });
});
