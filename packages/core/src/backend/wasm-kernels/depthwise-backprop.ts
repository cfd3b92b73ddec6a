/**
 * DepthwiseConv2dNative gradients (missing on wasm). Channel multiplier 1 without dilation (MobileNetV2's
 * case) runs convlab's SIMD kernels; anything else runs plain JS loops whose innermost loop runs over
 * channels, which are contiguous in x, dy and the filter.
 */
import * as tf from '@tensorflow/tfjs';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  TensorInfo,
} from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { heapF32, wasmBackendOf, type WasmBackend, type WasmKernelArgs } from './wasm-heap.ts';

type Shape4 = [number, number, number, number];

function depthwiseInfo(
  inShape: Shape4,
  filterShape: Shape4,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs | DepthwiseConv2dNativeBackpropInputAttrs,
) {
  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  return {
    ...info,
    padTop,
    padLeft,
    multiplier: filterShape[3],
    simdShape: filterShape[3] === 1 && info.dilationHeight === 1 && info.dilationWidth === 1,
  };
}

type DepthwiseInfo = ReturnType<typeof depthwiseInfo>;

/** Geometry arguments of the SIMD kernels: n, h, w, c, oh, ow, kh, kw, sh, sw, pad top, pad left. */
function geometry(i: DepthwiseInfo) {
  return [
    i.batchSize,
    i.inHeight,
    i.inWidth,
    i.inChannels,
    i.outHeight,
    i.outWidth,
    i.filterHeight,
    i.filterWidth,
    i.strideHeight,
    i.strideWidth,
    i.padTop,
    i.padLeft,
  ] as const;
}

export function makeDepthwiseBackpropFilter(simd: SimdKernels) {
  return function depthwiseConv2dNativeBackpropFilter(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const i = depthwiseInfo(x.shape as Shape4, attrs.filterShape, attrs);
    if (!i.simdShape) return depthwiseBackpropFilterJs(backend, x, dy, i, attrs.filterShape);
    const out = backend.makeOutput(attrs.filterShape, 'float32');
    heapF32(backend, out).fill(0);
    simd.depthwiseFilterGrad(
      heapPtr(backend, x),
      heapPtr(backend, dy),
      heapPtr(backend, out),
      ...geometry(i),
    );
    return out;
  };
}

export function makeDepthwiseBackpropInput(simd: SimdKernels) {
  return function depthwiseConv2dNativeBackpropInput(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const i = depthwiseInfo(attrs.inputShape, filter.shape as Shape4, attrs);
    if (!i.simdShape) return depthwiseBackpropInputJs(backend, dy, filter, i, attrs.inputShape);
    const out = backend.makeOutput(attrs.inputShape, 'float32');
    simd.depthwiseInputGrad(
      heapPtr(backend, dy),
      heapPtr(backend, filter),
      heapPtr(backend, out),
      ...geometry(i),
    );
    return out;
  };
}

function depthwiseBackpropFilterJs(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  i: DepthwiseInfo,
  filterShape: number[],
): TensorInfo {
  const out = backend.makeOutput(filterShape, 'float32');
  const dw = heapF32(backend, out);
  const xs = heapF32(backend, x);
  const g = heapF32(backend, dy);
  dw.fill(0);
  const { inChannels: channels, multiplier: m, outChannels } = i;
  for (let n = 0; n < i.batchSize; n++) {
    for (let oh = 0; oh < i.outHeight; oh++) {
      for (let kh = 0; kh < i.filterHeight; kh++) {
        const h = oh * i.strideHeight + kh * i.dilationHeight - i.padTop;
        if (h < 0 || h >= i.inHeight) continue;
        for (let ow = 0; ow < i.outWidth; ow++) {
          const dyBase = ((n * i.outHeight + oh) * i.outWidth + ow) * outChannels;
          for (let kw = 0; kw < i.filterWidth; kw++) {
            const w = ow * i.strideWidth + kw * i.dilationWidth - i.padLeft;
            if (w < 0 || w >= i.inWidth) continue;
            const xBase = ((n * i.inHeight + h) * i.inWidth + w) * channels;
            const wBase = (kh * i.filterWidth + kw) * outChannels;
            if (m === 1) {
              for (let c = 0; c < channels; c++) dw[wBase + c]! += xs[xBase + c]! * g[dyBase + c]!;
            } else {
              for (let c = 0; c < channels; c++) {
                const xv = xs[xBase + c]!;
                for (let q = 0; q < m; q++) dw[wBase + c * m + q]! += xv * g[dyBase + c * m + q]!;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

function depthwiseBackpropInputJs(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  i: DepthwiseInfo,
  inputShape: number[],
): TensorInfo {
  const out = backend.makeOutput(inputShape, 'float32');
  const dx = heapF32(backend, out);
  const f = heapF32(backend, filter);
  const g = heapF32(backend, dy);
  dx.fill(0);
  const { inChannels: channels, multiplier: m, outChannels } = i;
  for (let n = 0; n < i.batchSize; n++) {
    for (let oh = 0; oh < i.outHeight; oh++) {
      for (let kh = 0; kh < i.filterHeight; kh++) {
        const h = oh * i.strideHeight + kh * i.dilationHeight - i.padTop;
        if (h < 0 || h >= i.inHeight) continue;
        for (let ow = 0; ow < i.outWidth; ow++) {
          const dyBase = ((n * i.outHeight + oh) * i.outWidth + ow) * outChannels;
          for (let kw = 0; kw < i.filterWidth; kw++) {
            const w = ow * i.strideWidth + kw * i.dilationWidth - i.padLeft;
            if (w < 0 || w >= i.inWidth) continue;
            const xBase = ((n * i.inHeight + h) * i.inWidth + w) * channels;
            const wBase = (kh * i.filterWidth + kw) * outChannels;
            if (m === 1) {
              for (let c = 0; c < channels; c++) dx[xBase + c]! += f[wBase + c]! * g[dyBase + c]!;
            } else {
              for (let c = 0; c < channels; c++) {
                let sum = 0;
                for (let q = 0; q < m; q++) sum += f[wBase + c * m + q]! * g[dyBase + c * m + q]!;
                dx[xBase + c]! += sum;
              }
            }
          }
        }
      }
    }
  }
  return out;
}
