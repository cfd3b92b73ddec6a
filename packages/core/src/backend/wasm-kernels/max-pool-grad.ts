/**
 * MaxPoolGrad in plain JS. The stock wasm kernel drops the gradient where a window's maximum is negative;
 * this one routes dy to the first maximum of each window, exactly like the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapF32, wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export function maxPoolGrad(args: WasmKernelArgs): TensorInfo {
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
  const dx = heapF32(backend, out);
  const x = heapF32(backend, input);
  const g = heapF32(backend, dy);
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
    maxPoolGrad2x2(x, g, dx, [batchSize, inHeight, inWidth, channels], outHeight, outWidth);
    return out;
  }
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

/**
 * The common 2×2/2 pool whose windows tile the input: every input pixel belongs to at most one window, so
 * each window writes its four dx values directly (no zero fill, no scatter).
 */
function maxPoolGrad2x2(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  [batch, height, width, channels]: [number, number, number, number],
  outHeight: number,
  outWidth: number,
): void {
  if (outHeight * 2 !== height || outWidth * 2 !== width) dx.fill(0);
  const row = width * channels;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const p00 = ((n * height + oh * 2) * width + ow * 2) * channels;
        const p01 = p00 + channels;
        const p10 = p00 + row;
        const p11 = p10 + channels;
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const v00 = x[p00 + c]!;
          const v01 = x[p01 + c]!;
          const v10 = x[p10 + c]!;
          const v11 = x[p11 + c]!;
          // First maximum in row-major window order wins, as on the cpu backend.
          let best = v00;
          let at = 0;
          if (v01 > best || best !== best) {
            best = v01;
            at = 1;
          }
          if (v10 > best || best !== best) {
            best = v10;
            at = 2;
          }
          if (v11 > best || best !== best) {
            best = v11;
            at = 3;
          }
          const grad = best !== best ? 0 : g[dyBase + c]!;
          dx[p00 + c] = at === 0 ? grad : 0;
          dx[p01 + c] = at === 1 ? grad : 0;
          dx[p10 + c] = at === 2 ? grad : 0;
          dx[p11 + c] = at === 3 ? grad : 0;
        }
      }
    }
  }
}
