import { describe, expect, it } from 'vitest';
import {
  patchCovariance,
  patchWhiteningKernel,
  symmetricEigen,
} from '../../src/models/patch-whitening.ts';

describe('patch whitening', () => {
  it('symmetricEigen decomposes a symmetric matrix: A·v = λ·v, orthonormal vectors', () => {
    const n = 5;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++)
        a[i * n + j] = a[j * n + i] = Math.cos(i * 3 + j) + (i === j ? 3 : 0);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[k * n + j]!;
        expect(av).toBeCloseTo(values[k]! * vectors[k * n + i]!, 10);
      }
      for (let l = 0; l < n; l++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[k * n + i]! * vectors[l * n + i]!;
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 10);
      }
    }
  });

  it('its filters whiten the patches they were computed from', () => {
    // Correlated random 6×6×3 images.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const count = 200;
    const images = new Float32Array(count * 6 * 6 * 3);
    for (let p = 0; p < count * 36; p++) {
      const base = rand();
      for (let c = 0; c < 3; c++) images[p * 3 + c] = base + 0.3 * rand() * (c + 1);
    }
    const covariance = patchCovariance(images, { count, height: 6, width: 6, channels: 3 }, 2);
    const kernel = patchWhiteningKernel(covariance, 2, 3, 0);
    // Filter outputs have covariance Wᵀ·C·W = I for the 12 positive filters.
    for (let k = 0; k < 12; k++) {
      for (let l = 0; l < 12; l++) {
        let value = 0;
        for (let i = 0; i < 12; i++)
          for (let j = 0; j < 12; j++)
            value += kernel[i * 24 + k]! * covariance[i * 12 + j]! * kernel[j * 24 + l]!;
        expect(value).toBeCloseTo(k === l ? 1 : 0, 4);
      }
      expect(kernel[5 * 24 + 12 + k]).toBe(-kernel[5 * 24 + k]!);
    }
  });
});
