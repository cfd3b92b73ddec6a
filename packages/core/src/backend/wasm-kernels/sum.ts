/**
 * Sum over the leading axes (bias gradients: dy [n,h,w,c] summed to [c]). The stock wasm Sum transposes
 * the whole tensor first when the reduced axes are not the innermost ones; this reads it once, in order.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { callStock, heapF32, wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export function makeSum(stock: KernelFunc) {
  return function sum(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading || axes.length === 0 || axes.length === x.shape.length) {
      return callStock(stock, backend, args.inputs, args.attrs ?? {});
    }
    const kept = x.shape.slice(axes.length);
    const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const width = tf.util.sizeFromShape(kept);
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
    // Accumulate in float64: the sums run over up to ~10^5 rows.
    const acc = new Float64Array(width);
    const src = heapF32(backend, x);
    for (let r = 0; r < rows; r++) {
      const base = r * width;
      for (let c = 0; c < width; c++) acc[c]! += src[base + c]!;
    }
    const out = backend.makeOutput(shape, 'float32');
    heapF32(backend, out).set(acc);
    return out;
  };
}
