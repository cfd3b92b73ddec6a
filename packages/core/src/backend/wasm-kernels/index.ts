/**
 * Fast gradient kernels for the tfjs wasm backend. Under Node the stock wasm backend is single-threaded,
 * lacks Conv2DBackpropFilter and the depthwise gradients, computes MaxPoolGrad wrongly for negative
 * window maxima, and runs transposed matmuls slowly. `registerFastWasmKernels` replaces those kernels,
 * most of them with convlab's own WebAssembly SIMD kernels (packages/core/simd); call it once after
 * `tf.setBackend('wasm')` is ready. It returns the names of the kernels it registered.
 * See docs/PERFORMANCE.md for what each kernel does and how it was measured.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, makeAdamUpdate } from './adam.ts';
import { makeBatchMatMul } from './batch-mat-mul.ts';
import {
  BATCH_NORM_TRAINING_GRAD_KERNEL,
  BATCH_NORM_TRAINING_KERNEL,
  makeBatchNormTraining,
  makeBatchNormTrainingGrad,
  registerBatchNormTrainingGradient,
} from './batch-norm.ts';
import { makeConv2DBackpropFilter, makeConv2DBackpropInput } from './conv2d-backprop.ts';
import { makeDepthwiseBackpropFilter, makeDepthwiseBackpropInput } from './depthwise-backprop.ts';
import { identity } from './identity.ts';
import { makeSlice } from './slice.ts';
import { makeConv2D, makeFusedConv2D } from './pointwise-conv.ts';
import { makeMaxPoolGrad } from './max-pool-grad.ts';
import {
  CLIP_GRAD_KERNEL,
  makeClipGrad,
  makeReluGrad,
  registerActivationGradients,
  RELU_GRAD_KERNEL,
} from './activation-grads.ts';
import { simdKernels, type SimdVariant } from './simd-module.ts';
import { makeSum } from './sum.ts';
import type { WasmBackend } from './wasm-heap.ts';

const BACKEND = 'wasm';

/** Stock wasm kernels as they were before the first registration (kept so re-registration is safe). */
const stockKernels = new Map<string, KernelFunc | null>();
let registered: string[] | null = null;
let simdVariant: SimdVariant | null = null;

/** Which build of the SIMD kernels registerFastWasmKernels loaded (null before it ran). */
export function fastKernelsSimdVariant(): SimdVariant | null {
  return simdVariant;
}

function stockKernel(name: string): KernelFunc | null {
  if (!stockKernels.has(name))
    stockKernels.set(name, tf.getKernel(name, BACKEND)?.kernelFunc ?? null);
  return stockKernels.get(name) ?? null;
}

function requireStock(name: string): KernelFunc {
  const kernel = stockKernel(name);
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel to build on`);
  return kernel;
}

function replaceKernel(kernelName: string, kernelFunc: KernelFunc): void {
  stockKernel(kernelName);
  if (tf.getKernel(kernelName, BACKEND)) tf.unregisterKernel(kernelName, BACKEND);
  tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
}

/**
 * Registers the fast kernels on the wasm backend (idempotent). The wasm backend must already be
 * initialised (`await tf.setBackend('wasm')`), because the stock kernels these build on are set up then.
 */
export function registerFastWasmKernels(options: { simd?: SimdVariant } = {}): string[] {
  if (registered) return [...registered];
  const backend = tf.findBackend(BACKEND) as unknown as WasmBackend | undefined;
  if (!backend) {
    throw new Error(
      'registerFastWasmKernels: initialise the wasm backend first (tf.setBackend("wasm"))',
    );
  }
  const { kernels: simd, variant } = simdKernels(backend, options.simd);
  const conv2D = requireStock('Conv2D');
  const batchMatMul = makeBatchMatMul(requireStock('BatchMatMul'), simd);
  // Training cannot run without these two (one is missing, one is wrong): registered before the rest, so
  // a failure building a speed-up kernel below still leaves usable gradients.
  const essential: [string, KernelFunc][] = [
    ['Conv2DBackpropFilter', makeConv2DBackpropFilter(conv2D, simd, batchMatMul)],
    ['MaxPoolGrad', makeMaxPoolGrad(simd)],
  ];
  for (const [name, kernelFunc] of essential) replaceKernel(name, kernelFunc);
  const speedups: [string, KernelFunc][] = [
    [
      'Conv2DBackpropInput',
      makeConv2DBackpropInput(conv2D, requireStock('Conv2DBackpropInput'), batchMatMul),
    ],
    ['DepthwiseConv2dNativeBackpropFilter', makeDepthwiseBackpropFilter(simd)],
    ['DepthwiseConv2dNativeBackpropInput', makeDepthwiseBackpropInput(simd)],
    ['BatchMatMul', batchMatMul],
    ['Sum', makeSum(requireStock('Sum'), simd)],
    ['Identity', identity],
    ['Slice', makeSlice(requireStock('Slice'))],
    ['Conv2D', makeConv2D(conv2D, simd)],
    ['FusedConv2D', makeFusedConv2D(requireStock('FusedConv2D'), simd)],
    [ADAM_UPDATE_KERNEL, makeAdamUpdate(simd)],
    [RELU_GRAD_KERNEL, makeReluGrad(simd)],
    [CLIP_GRAD_KERNEL, makeClipGrad(simd)],
    [BATCH_NORM_TRAINING_KERNEL, makeBatchNormTraining(simd)],
    [BATCH_NORM_TRAINING_GRAD_KERNEL, makeBatchNormTrainingGrad(simd)],
  ];
  for (const [name, kernelFunc] of speedups) replaceKernel(name, kernelFunc);
  registerActivationGradients();
  registerBatchNormTrainingGradient();
  const kernels = [...essential, ...speedups];
  simdVariant = variant;
  registered = kernels.map(([name]) => name);
  return [...registered];
}
