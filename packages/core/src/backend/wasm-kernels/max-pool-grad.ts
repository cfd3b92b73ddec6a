/**
 * MaxPoolGrad. The stock wasm kernel drops the gradient where a window's maximum is negative; this one
 * routes dy to the first maximum of each window, exactly like the cpu backend: the common 2×2/2 pool in
 * convlab's SIMD kernel, any other window in plain JS.
 */
import * as tf from '@tensorflow/tfjs';
import type { MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { heapF32, wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export function makeMaxPoolGrad(simd: SimdKernels) {
  return (args: WasmKernelArgs): TensorInfo => maxPoolGrad(args, simd);
}

function maxPoolGrad(args: WasmKernelArgs, simd: SimdKernels): TensorInfo {
  const backend = wasmBackendOf(args);
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const dilationHeight = info.dilationHeight;
  const dilationWidth = info.dilationWidth;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = backend.makeOutput(input.shape, 'float32');
  const tiles =
    filterHeight === strideHeight &&
    filterWidth === strideWidth &&
    dilationHeight === 1 &&
    dilationWidth === 1 &&
    padTop === 0 &&
    padLeft === 0 &&
    outHeight * strideHeight <= inHeight &&
    outWidth * strideWidth <= inWidth;
  if (tiles && filterHeight === 2 && filterWidth === 2) {
    simd.maxPool2x2Grad(
      heapPtr(backend, input),
      heapPtr(backend, dy),
      heapPtr(backend, out),
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
    );
    return out;
  }
  const dx = heapF32(backend, out);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
  const windowOffsets = new Int32Array(filterHeight * filterWidth);
  dx.fill(0);
  for (let n = 0; n < batchSize; n++) {
    const xBatch = n * inHeight * inWidth * channels;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - padTop;
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - padLeft;
        // Offsets (into x) of the window's in-bounds pixels, computed once for all channels.
        let taps = 0;
        for (let fh = 0; fh < filterHeight; fh++) {
          const h = h0 + fh * dilationHeight;
          if (h < 0 || h >= inHeight) continue;
          for (let fw = 0; fw < filterWidth; fw++) {
            const w = w0 + fw * dilationWidth;
            if (w < 0 || w >= inWidth) continue;
            windowOffsets[taps++] = xBatch + (h * inWidth + w) * channels;
          }
        }
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let bestAt = -1;
          for (let t = 0; t < taps; t++) {
            const at = windowOffsets[t]! + c;
            const v = x[at]!;
            // Strictly greater: the first maximum wins, as on the cpu backend. NaN never wins.
            if (v > best) {
              best = v;
              bestAt = at;
            }
          }
          if (bestAt >= 0) dx[bestAt]! += g[dyBase + c]!;
        }
      }
    }
  }
  return out;
}
