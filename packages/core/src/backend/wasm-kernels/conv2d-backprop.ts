/**
 * Conv2D gradients.
 * - A 1×1 stride-1 convolution (MobileNetV2's pointwise layers) is a matrix product over the pixels:
 *   dx = dy·Wᵀ and dW = xᵀ·dy run on convlab's SIMD GEMM (BatchMatMul), 25–50% faster than XNNPACK.
 * - Otherwise the filter gradient runs convlab's SIMD kernel (a register-tiled reduction over the
 *   zero-padded input, no im2col) when the output channels are a multiple of 4; the rest, and the input
 *   gradient, are re-expressed as forward XNNPACK Conv2D calls on rearranged tensors, the fastest
 *   convolution the wasm backend has (the rearrangements are plain JS loops over the wasm heap).
 */
import * as tf from '@tensorflow/tfjs';
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs';
import {
  callStock,
  disposeTemp,
  heapF32,
  wasmBackendOf,
  type WasmBackend,
  type WasmKernelArgs,
} from './wasm-heap.ts';
import { isPointwise } from './pointwise-conv.ts';
import { heapPtr, type SimdKernels } from './simd-module.ts';

type Shape4 = [number, number, number, number];

function assertChannelsLast(dataFormat: string, kernelName: string): void {
  if (dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on wasm supports dataFormat NHWC only, got ${dataFormat}`);
  }
}

/** The same data seen with another shape (no copy; the caller must not dispose it). */
function viewAs(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** C = op(A)·op(B) through the wasm BatchMatMul kernel; the result is re-viewed as `shape`. */
function matMul(
  batchMatMul: KernelFunc,
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  shape: number[],
): TensorInfo {
  const out = callStock(
    batchMatMul,
    backend,
    { a, b },
    {
      transposeA,
      transposeB,
    },
  );
  return viewAs(out, shape);
}

/**
 * dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co] is a convolution of
 * x' = x as [ci, H', W', n] (zero-padded, cropped to the rows the windows reach) with the filter
 * dy' = dy as [oh, ow, n, co] dilated by the stride; its output [ci, kh, kw, co] is transposed into dW.
 */
export function makeConv2DBackpropFilter(
  conv2D: KernelFunc,
  simd: SimdKernels | null,
  batchMatMul: KernelFunc | null = null,
) {
  return function conv2DBackpropFilter(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      args.attrs as unknown as Conv2DBackpropFilterAttrs;
    assertChannelsLast(dataFormat, 'Conv2DBackpropFilter');
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as Shape4,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    const rows = (outHeight - 1) * strideHeight + filterHeight;
    const cols = (outWidth - 1) * strideWidth + filterWidth;
    if (batchMatMul && isPointwise(info)) {
      const pixels = batchSize * outHeight * outWidth;
      const x2 = viewAs(x, [1, pixels, inChannels]);
      const dy2 = viewAs(dy, [1, pixels, outChannels]);
      return matMul(batchMatMul, backend, x2, dy2, true, false, filterShape);
    }
    if (simd && outChannels % 4 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1) {
      const padded = backend.makeOutput([batchSize, rows, cols, inChannels], 'float32');
      simd.padNhwc(
        heapPtr(backend, x),
        heapPtr(backend, padded),
        batchSize,
        inHeight,
        inWidth,
        inChannels,
        padTop,
        padLeft,
        rows,
        cols,
      );
      const out = backend.makeOutput(filterShape, 'float32');
      heapF32(backend, out).fill(0);
      simd.conv2dFilterGrad(
        heapPtr(backend, padded),
        heapPtr(backend, dy),
        heapPtr(backend, out),
        batchSize,
        rows,
        cols,
        inChannels,
        outHeight,
        outWidth,
        outChannels,
        filterHeight,
        filterWidth,
        strideHeight,
        strideWidth,
      );
      disposeTemp(backend, padded);
      return out;
    }

    // Split the batch so each convolution's packed filter (a slice of dy) stays cache-sized; the
    // partial filter gradients are summed.
    const slice = filterGradBatchSlice(batchSize, outHeight * outWidth * outChannels, inChannels);
    const partials: TensorInfo[] = [];
    for (let start = 0; start < batchSize; start += slice) {
      const count = Math.min(slice, batchSize - start);
      const xT = backend.makeOutput([inChannels, rows, cols, count], 'float32');
      const dyT = backend.makeOutput([outHeight, outWidth, count, outChannels], 'float32');
      transposeInputForFilterGrad(
        heapF32(backend, x),
        heapF32(backend, xT),
        [batchSize, inHeight, inWidth, inChannels],
        start,
        count,
        rows,
        cols,
        padTop,
        padLeft,
      );
      moveBatchInside(
        heapF32(backend, dy),
        heapF32(backend, dyT),
        [batchSize, outHeight, outWidth, outChannels],
        start,
        count,
      );
      partials.push(
        callStock(conv2D, backend, { x: xT, filter: dyT }, {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [strideHeight, strideWidth],
          dimRoundingMode: undefined,
        } as unknown as tf.NamedAttrMap),
      );
      disposeTemp(backend, xT);
      disposeTemp(backend, dyT);
    }
    const out = backend.makeOutput(filterShape, 'float32');
    // Σ partials, [ci, kh, kw, co] → [kh, kw, ci, co]
    const dst = heapF32(backend, out);
    const spatial = filterHeight * filterWidth;
    for (const [p, partial] of partials.entries()) {
      const src = heapF32(backend, partial);
      for (let ci = 0; ci < inChannels; ci++) {
        for (let k = 0; k < spatial; k++) {
          const from = (ci * spatial + k) * outChannels;
          const to = (k * inChannels + ci) * outChannels;
          if (p === 0) for (let co = 0; co < outChannels; co++) dst[to + co] = src[from + co]!;
          else for (let co = 0; co < outChannels; co++) dst[to + co]! += src[from + co]!;
        }
      }
      disposeTemp(backend, partial);
    }
    return out;
  };
}

const FILTER_GRAD_SLICE_FLOATS = 1 << 18;

/**
 * Images per filter-gradient convolution. With many input channels, dy slices of at most ~1 MB measured
 * fastest (seed-cnn's second conv: 78 ms against 97 unsplit); with few (an RGB first layer) splitting
 * only added overhead.
 */
function filterGradBatchSlice(batch: number, floatsPerImage: number, inChannels: number): number {
  if (inChannels < 8) return batch;
  return Math.max(1, Math.min(batch, Math.floor(FILTER_GRAD_SLICE_FLOATS / floatsPerImage)));
}

/** Images [start, start+count) of x [n,h,w,c] → [c, rows, cols, count], shifted by the padding. */
function transposeInputForFilterGrad(
  x: Float32Array,
  out: Float32Array,
  [, height, width, channels]: Shape4,
  start: number,
  batch: number,
  rows: number,
  cols: number,
  padTop: number,
  padLeft: number,
): void {
  out.fill(0);
  const xRow = width * channels;
  const xImage = height * xRow;
  const outChannel = rows * cols * batch;
  for (let r = 0; r < rows; r++) {
    const h = r - padTop;
    if (h < 0 || h >= height) continue;
    for (let q = 0; q < cols; q++) {
      const w = q - padLeft;
      if (w < 0 || w >= width) continue;
      const outBase = (r * cols + q) * batch;
      const xBase = h * xRow + w * channels;
      // A [batch × channels] block: reads are contiguous per image, writes per channel.
      for (let n = 0; n < batch; n++) {
        const from = (start + n) * xImage + xBase;
        const to = outBase + n;
        for (let c = 0; c < channels; c++) out[to + c * outChannel] = x[from + c]!;
      }
    }
  }
}

/** Images [start, start+count) of dy [n,h,w,c] → [h,w,count,c]: rows of c floats move as a block. */
function moveBatchInside(
  dy: Float32Array,
  out: Float32Array,
  [, height, width, channels]: Shape4,
  start: number,
  batch: number,
): void {
  const spatial = height * width;
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < spatial; p++) {
      const from = ((start + n) * spatial + p) * channels;
      const to = (p * batch + n) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = dy[from + c]!;
    }
  }
}

/**
 * dx is the stride-1 convolution of dy (zeros inserted between its pixels when the stride is > 1) with
 * the filter flipped in space and with in/out channels swapped.
 */
export function makeConv2DBackpropInput(
  conv2D: KernelFunc,
  stock: KernelFunc,
  batchMatMul: KernelFunc | null = null,
) {
  return function conv2DBackpropInput(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      args.attrs as unknown as Conv2DBackpropInputAttrs;
    assertChannelsLast(dataFormat, 'Conv2DBackpropInput');
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as Shape4,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    if (batchMatMul && isPointwise(info)) {
      const pixels = batchSize * outHeight * outWidth;
      const dy2 = viewAs(dy, [1, pixels, outChannels]);
      const w2 = viewAs(filter, [1, inChannels, outChannels]);
      return matMul(batchMatMul, backend, dy2, w2, false, true, inputShape);
    }
    const dilatedHeight = (outHeight - 1) * strideHeight + 1;
    const dilatedWidth = (outWidth - 1) * strideWidth + 1;
    const top = filterHeight - 1 - info.padInfo.top;
    const left = filterWidth - 1 - info.padInfo.left;
    const bottom = inHeight + info.padInfo.top - dilatedHeight;
    const right = inWidth + info.padInfo.left - dilatedWidth;
    if (Math.min(top, left, bottom, right) < 0)
      return callStock(stock, backend, args.inputs, args.attrs ?? {});

    const flipped = backend.makeOutput(
      [filterHeight, filterWidth, outChannels, inChannels],
      'float32',
    );
    flipFilter(heapF32(backend, filter), heapF32(backend, flipped), filter.shape as Shape4);
    let source = dy;
    if (strideHeight > 1 || strideWidth > 1) {
      source = backend.makeOutput([batchSize, dilatedHeight, dilatedWidth, outChannels], 'float32');
      insertZeros(heapF32(backend, dy), heapF32(backend, source), dy.shape as Shape4, [
        strideHeight,
        strideWidth,
      ]);
    }
    const dx = callStock(conv2D, backend, { x: source, filter: flipped }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
    disposeTemp(backend, flipped);
    if (source !== dy) disposeTemp(backend, source);
    return dx;
  };
}

/** W [kh,kw,ci,co] → W' [kh,kw,co,ci] with W'[i,j,o,c] = W[KH−1−i, KW−1−j, c, o]. */
function flipFilter(w: Float32Array, out: Float32Array, [kh, kw, ci, co]: Shape4): void {
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const to = (i * kw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) out[to + o * ci + c] = w[from + c * co + o]!;
      }
    }
  }
}

function insertZeros(
  dy: Float32Array,
  out: Float32Array,
  [batch, height, width, channels]: Shape4,
  [strideHeight, strideWidth]: [number, number],
): void {
  out.fill(0);
  const outHeight = (height - 1) * strideHeight + 1;
  const outWidth = (width - 1) * strideWidth + 1;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const from = ((n * height + h) * width + w) * channels;
        const to = ((n * outHeight + h * strideHeight) * outWidth + w * strideWidth) * channels;
        for (let c = 0; c < channels; c++) out[to + c] = dy[from + c]!;
      }
    }
  }
}

export type { WasmBackend };
