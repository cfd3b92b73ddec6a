/**
 * BatchMatMul with transposes (dense-layer gradients: dx = dy·Wᵀ, dW = xᵀ·dy). The wasm kernel is much
 * faster on plain row-major operands, so a transposed operand is transposed once in JS (cache-blocked)
 * and the stock kernel runs without transposes.
 */
import type { BatchMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import {
  callStock,
  disposeTemp,
  heapF32,
  wasmBackendOf,
  type WasmBackend,
  type WasmKernelArgs,
} from './wasm-heap.ts';

export function makeBatchMatMul(stock: KernelFunc) {
  return function batchMatMul(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return callStock(stock, backend, args.inputs, args.attrs ?? {});
    }
    const rank = a.shape.length;
    const [m, k] = [a.shape[rank - 2]!, a.shape[rank - 1]!];
    const n = b.shape[b.shape.length - 2]!;
    if (!transposeA && transposeB && m * k + m * n < n * k) {
      // C = A·Bᵀ with a large B (dx = dy·Wᵀ of a dense layer): Cᵀ = B·Aᵀ moves far fewer floats.
      const aT = transposeLastTwo(backend, a);
      const cT = callStock(
        stock,
        backend,
        { a: b, b: aT },
        { transposeA: false, transposeB: false },
      );
      disposeTemp(backend, aT);
      const c = transposeLastTwo(backend, cT);
      disposeTemp(backend, cT);
      return c;
    }
    const plainA = transposeA ? transposeLastTwo(backend, a) : a;
    const plainB = transposeB ? transposeLastTwo(backend, b) : b;
    const out = callStock(
      stock,
      backend,
      { a: plainA, b: plainB },
      {
        transposeA: false,
        transposeB: false,
      },
    );
    if (plainA !== a) disposeTemp(backend, plainA);
    if (plainB !== b) disposeTemp(backend, plainB);
    return out;
  };
}

const BLOCK = 32;

function transposeLastTwo(backend: WasmBackend, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2]!;
  const cols = t.shape[rank - 1]!;
  const shape = [...t.shape.slice(0, -2), cols, rows];
  const out = backend.makeOutput(shape, 'float32');
  const src = heapF32(backend, t);
  const dst = heapF32(backend, out);
  const matrices = src.length / (rows * cols);
  for (let m = 0; m < matrices; m++) {
    const base = m * rows * cols;
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(r0 + BLOCK, rows);
      for (let c0 = 0; c0 < cols; c0 += BLOCK) {
        const c1 = Math.min(c0 + BLOCK, cols);
        for (let r = r0; r < r1; r++) {
          for (let c = c0; c < c1; c++) dst[base + c * rows + r] = src[base + r * cols + c]!;
        }
      }
    }
  }
  return out;
}
