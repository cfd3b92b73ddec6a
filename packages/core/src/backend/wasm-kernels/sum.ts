/**
 * Sum over the leading axes (bias gradients: dy [n,h,w,c] summed to [c]). The stock wasm Sum transposes
 * the whole tensor first when the reduced axes are not the innermost ones; this reads it once, in order,
 * with convlab's SIMD column-sum kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { callStock, disposeTemp, wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export function makeSum(stock: KernelFunc, simd: SimdKernels) {
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
    const out = backend.makeOutput(shape, 'float32');
    // The kernel sums in float32 chunks into float64 accumulators (12 bytes of scratch per column).
    const scratch = backend.makeOutput([width * 3], 'float32');
    simd.channelSums(
      heapPtr(backend, x),
      rows,
      width,
      heapPtr(backend, out),
      1,
      heapPtr(backend, scratch),
    );
    disposeTemp(backend, scratch);
    return out;
  };
}
