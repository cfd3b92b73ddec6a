/**
 * BatchMatMul (dense layers and their gradients: y = x·W, dx = dy·Wᵀ, dW = xᵀ·dy) on convlab's SIMD GEMM,
 * which takes row-major operands: a transposed operand is transposed once into scratch (faster than reading
 * it through strides), or, when B is the large operand (dy·Wᵀ), Cᵀ = B·Aᵀ is computed and transposed
 * instead, which moves fewer floats.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { callStock, disposeTemp, wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

const FLOAT_BYTES = 4;

export function makeBatchMatMul(stock: KernelFunc, simd: SimdKernels) {
  return function batchMatMul(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const rankA = a.shape.length;
    const rankB = b.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      (batchA !== batchB && batchA !== 1 && batchB !== 1)
    ) {
      return callStock(stock, backend, args.inputs, args.attrs ?? {});
    }
    const m = a.shape[transposeA ? rankA - 1 : rankA - 2]!;
    const k = a.shape[transposeA ? rankA - 2 : rankA - 1]!;
    const n = b.shape[transposeB ? rankB - 2 : rankB - 1]!;
    if (b.shape[transposeB ? rankB - 1 : rankB - 2] !== k)
      throw new Error(
        `BatchMatMul: inner dimensions of [${a.shape.join(',')}] and [${b.shape.join(',')}] differ`,
      );
    const outer = tf.backend_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    const batch = Math.max(batchA, batchB);
    const out = backend.makeOutput([...outer, m, n], 'float32');
    const swap = transposeB && !transposeA && m * k + m * n < n * k;
    // One m×k scratch for A (transposed either way), one k×n for a transposed B, one for Cᵀ.
    const aScratch = transposeA || swap ? backend.makeOutput([m * k], 'float32') : null;
    const bScratch = transposeB && !swap ? backend.makeOutput([k * n], 'float32') : null;
    const cScratch = swap ? backend.makeOutput([n * m], 'float32') : null;
    for (let i = 0; i < batch; i++) {
      const pa = heapPtr(backend, a) + (batchA === 1 ? 0 : i * m * k * FLOAT_BYTES);
      const pb = heapPtr(backend, b) + (batchB === 1 ? 0 : i * k * n * FLOAT_BYTES);
      const pc = heapPtr(backend, out) + i * m * n * FLOAT_BYTES;
      if (cScratch && aScratch) {
        // Cᵀ [n×m] = B [n×k] · Aᵀ [k×m]
        simd.transpose(pa, heapPtr(backend, aScratch), m, k);
        simd.gemm(pb, heapPtr(backend, aScratch), heapPtr(backend, cScratch), n, m, k);
        simd.transpose(heapPtr(backend, cScratch), pc, n, m);
        continue;
      }
      let plainA = pa;
      if (aScratch) {
        plainA = heapPtr(backend, aScratch);
        simd.transpose(pa, plainA, k, m);
      }
      let plainB = pb;
      if (bScratch) {
        plainB = heapPtr(backend, bScratch);
        simd.transpose(pb, plainB, n, k);
      }
      simd.gemm(plainA, plainB, pc, m, n, k);
    }
    for (const scratch of [aScratch, bScratch, cScratch])
      if (scratch) disposeTemp(backend, scratch);
    return out;
  };
}
