/**
 * ReLU's gradient in one pass. tfjs computes it as dy · cast(step(x)): three kernels, three passes over
 * the activations. `ConvlabReluGrad` (wasm) does it in one; the Relu gradient registered here uses it
 * when the active backend has it and tfjs's own formula otherwise, so other backends are unaffected.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export const RELU_GRAD_KERNEL = 'ConvlabReluGrad';

export function makeReluGrad(simd: SimdKernels) {
  return function reluGrad(args: WasmKernelArgs): TensorInfo {
    const backend = wasmBackendOf(args);
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const out = backend.makeOutput(x.shape, 'float32');
    simd.reluGrad(
      heapPtr(backend, dy),
      heapPtr(backend, x),
      heapPtr(backend, out),
      tf.util.sizeFromShape(x.shape),
    );
    return out;
  };
}

let gradientRegistered = false;

/** Replaces tfjs's Relu gradient with one that uses ConvlabReluGrad where the backend has it. */
export function registerReluGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const gradient = dy as tf.Tensor;
      return {
        x: () =>
          tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) && x.dtype === 'float32'
            ? tf.engine().runKernel<tf.Tensor>(RELU_GRAD_KERNEL, { dy: gradient, x })
            : tf.mul(gradient, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
}
