/**
 * ReLU's and clipByValue's gradients in one pass. tfjs computes them with three or four kernels each
 * (dy · cast(step(x)); where(logicalAnd(x ≥ lo, x ≤ hi), dy, 0)), every one a pass over the activations
 * and the scalar comparisons on wasm's slow broadcasting path (52 ms of a 300 ms MobileNetV2 fine-tune
 * step for ReLU6). `ConvlabReluGrad` and `ConvlabClipGrad` (wasm) each do it in one SIMD pass; the
 * gradients registered here use them when the active backend has them and tfjs's formulas otherwise,
 * so other backends are unaffected.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipByValueAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export const RELU_GRAD_KERNEL = 'ConvlabReluGrad';
export const CLIP_GRAD_KERNEL = 'ConvlabClipGrad';

export function makeReluGrad(simd: SimdKernels) {
  return function reluGrad(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const out = backend.makeOutput(x.shape, 'float32');
    const count = tf.util.sizeFromShape(x.shape);
    simd.reluGrad(heapPtr(backend, dy), heapPtr(backend, x), heapPtr(backend, out), count);
    return out;
  };
}

export function makeClipGrad(simd: SimdKernels) {
  return function clipGrad(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const { clipValueMin, clipValueMax } = args.attrs as unknown as ClipByValueAttrs;
    const out = backend.makeOutput(x.shape, 'float32');
    const count = tf.util.sizeFromShape(x.shape);
    simd.clipGrad(
      heapPtr(backend, dy),
      heapPtr(backend, x),
      heapPtr(backend, out),
      count,
      clipValueMin,
      clipValueMax,
    );
    return out;
  };
}

/** Whether `kernel` can run on the active backend for a float32 `x`. */
function fused(kernel: string, x: tf.Tensor): boolean {
  return x.dtype === 'float32' && tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

let gradientsRegistered = false;

/** Replaces tfjs's Relu and ClipByValue gradients with ones that use the fused kernels where they can. */
export function registerActivationGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const gradient = dy as tf.Tensor;
      return {
        x: () =>
          fused(RELU_GRAD_KERNEL, x)
            ? tf.engine().runKernel<tf.Tensor>(RELU_GRAD_KERNEL, { dy: gradient, x })
            : tf.mul(gradient, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
  tf.registerGradient({
    kernelName: 'ClipByValue',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const gradient = dy as tf.Tensor;
      const { clipValueMin, clipValueMax } = attrs as unknown as ClipByValueAttrs;
      return {
        x: () =>
          fused(CLIP_GRAD_KERNEL, x)
            ? tf.engine().runKernel<tf.Tensor>(CLIP_GRAD_KERNEL, { dy: gradient, x }, attrs)
            : tf.where(
                tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax)),
                gradient,
                tf.zerosLike(gradient),
              ),
      };
    },
  });
}
