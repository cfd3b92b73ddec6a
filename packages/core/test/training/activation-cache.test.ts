import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cachePrecision,
  CacheBudgetError,
  createActivationCache,
  gatherRows,
  writeRows,
} from '../../src/training/activation-cache.ts';
import { decodeFloat16, encodeFloat16, toFloat16Bits } from '../../src/training/float16.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('float16', () => {
  it('encodes exact values exactly and rounds to nearest even', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff); // largest finite
    expect(toFloat16Bits(70000)).toBe(0x7c00); // overflow → Infinity
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -26)).toBe(0); // rounds to 0
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway: to even (up)
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('round-trips within float16 precision', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4));
    const bits = new Uint16Array(values.length);
    encodeFloat16(values, bits);
    const back = new Float32Array(values.length);
    decodeFloat16(bits, back);
    values.forEach((v, i) => {
      const tolerance = Math.max(Math.abs(v) * 2 ** -11, 2 ** -25);
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(tolerance);
    });
  });
});

describe('activation caches', () => {
  it('chooses float32 within the budget, float16 at twice the density, then refuses', () => {
    expect(cachePrecision(100, [3, 4], 100 * 12 * 4)).toBe('float32');
    expect(cachePrecision(100, [3, 4], 100 * 12 * 4 - 1)).toBe('float16');
    expect(() => cachePrecision(100, [3, 4], 100 * 12 * 2 - 1)).toThrow(CacheBudgetError);
  });

  it.each(['float32', 'float16'] as const)('gathers the rows it stored (%s)', (precision) => {
    const cache = createActivationCache(4, [2, 3], precision);
    writeRows(
      cache,
      0,
      Float32Array.from({ length: 12 }, (_, i) => i / 4),
    );
    writeRows(
      cache,
      2,
      Float32Array.from({ length: 12 }, (_, i) => -i),
    );
    const rows = gatherRows(cache, [3, 0]);
    expect(rows.shape).toEqual([2, 2, 3]);
    expect(Array.from(rows.dataSync())).toEqual([
      -6, -7, -8, -9, -10, -11, 0, 0.25, 0.5, 0.75, 1, 1.25,
    ]);
    rows.dispose();
    expect(() => gatherRows(cache, [4])).toThrow(/out of range/);
    expect(() => writeRows(cache, 3, new Float32Array(12))).toThrow(/out of range/);
  });
});
