/**
 * Batch normalisation in training mode as two kernels. tf.layers builds it from tf.moments and
 * tf.batchNorm, whose gradients take ~30 broadcasting kernels per layer (Tile, Sum, Mean, Multiply…;
 * 60% of a cnn-plus step on wasm). `ConvlabBatchNormTraining` computes the batch mean and (biased)
 * variance and normalises in three SIMD passes; its gradient, `ConvlabBatchNormTrainingGrad`, is the
 * closed-form batch-norm backward pass in two.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import {
  disposeTemp,
  heapF32,
  wasmBackendOf,
  type WasmBackend,
  type WasmKernelArgs,
} from './wasm-heap.ts';

export const BATCH_NORM_TRAINING_KERNEL = 'ConvlabBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'ConvlabBatchNormTrainingGrad';

interface BatchNormAttrs {
  varianceEpsilon: number;
}

/** A channels-last tensor as the [rows × channels] matrix the SIMD kernels walk. */
function matrixShape(x: TensorInfo): { rows: number; channels: number } {
  const channels = x.shape.at(-1) ?? 0;
  return { rows: channels === 0 ? 0 : tf.util.sizeFromShape(x.shape) / channels, channels };
}

/** A float32 vector in the heap holding `values` (a temporary the caller disposes). */
function heapVector(backend: WasmBackend, values: Float32Array | Float64Array): TensorInfo {
  const info = backend.makeOutput([values.length], 'float32');
  heapF32(backend, info).set(values);
  return info;
}

export function makeBatchNormTraining(simd: SimdKernels) {
  return function batchNormTraining(args: WasmKernelArgs): TensorInfo[] {
    const backend = wasmBackendOf(args);
    const { x, scale, offset } = args.inputs as Record<string, TensorInfo>;
    if (!x || !scale || !offset) throw new Error(`${BATCH_NORM_TRAINING_KERNEL}: missing inputs`);
    const { varianceEpsilon } = args.attrs as unknown as BatchNormAttrs;
    const { rows, channels } = matrixShape(x);
    const y = backend.makeOutput(x.shape, 'float32');
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    const scratch = backend.makeOutput([channels * 3], 'float32');
    simd.channelMoments(
      heapPtr(backend, x),
      rows,
      channels,
      heapPtr(backend, mean),
      heapPtr(backend, variance),
      heapPtr(backend, scratch),
    );
    disposeTemp(backend, scratch);
    // y = x·s + t with s = γ/√(σ² + ε) and t = β − μ·s, per channel (computed here in float64).
    const gamma = heapF32(backend, scale);
    const beta = heapF32(backend, offset);
    const mu = heapF32(backend, mean);
    const sigma2 = heapF32(backend, variance);
    const s = new Float64Array(channels);
    const t = new Float64Array(channels);
    for (let k = 0; k < channels; k++) {
      s[k] = gamma[k]! / Math.sqrt(sigma2[k]! + varianceEpsilon);
      t[k] = beta[k]! - mu[k]! * s[k]!;
    }
    const sInfo = heapVector(backend, s);
    const tInfo = heapVector(backend, t);
    simd.channelAffine(
      heapPtr(backend, x),
      heapPtr(backend, y),
      rows,
      channels,
      heapPtr(backend, sInfo),
      heapPtr(backend, tInfo),
    );
    disposeTemp(backend, sInfo);
    disposeTemp(backend, tInfo);
    return [y, mean, variance];
  };
}

export function makeBatchNormTrainingGrad(simd: SimdKernels) {
  return function batchNormTrainingGrad(args: WasmKernelArgs): TensorInfo[] {
    const backend = wasmBackendOf(args);
    const { dy, x, scale, mean, variance } = args.inputs as Record<string, TensorInfo>;
    if (!dy || !x || !scale || !mean || !variance)
      throw new Error(`${BATCH_NORM_TRAINING_GRAD_KERNEL}: missing inputs`);
    const { varianceEpsilon } = args.attrs as unknown as BatchNormAttrs;
    const { rows, channels } = matrixShape(x);
    const dScale = backend.makeOutput([channels], 'float32');
    const dOffset = backend.makeOutput([channels], 'float32');
    const sumDyXmu = backend.makeOutput([channels], 'float32');
    const scratch = backend.makeOutput([channels * 6], 'float32');
    simd.batchNormGradSums(
      heapPtr(backend, dy),
      heapPtr(backend, x),
      rows,
      channels,
      heapPtr(backend, mean),
      heapPtr(backend, dOffset),
      heapPtr(backend, sumDyXmu),
      heapPtr(backend, scratch),
    );
    disposeTemp(backend, scratch);
    // With σ = √(var + ε), a = γ/σ: dx = a·dy + d·(x − μ) − a·Σdy/N, d = −a·Σdy(x − μ)/(σ²·N);
    // the kernel takes it as a·dy + d·x + e. dγ = Σdy(x − μ)/σ, dβ = Σdy.
    const gamma = heapF32(backend, scale);
    const mu = heapF32(backend, mean);
    const sigma2 = heapF32(backend, variance);
    const sumDy = heapF32(backend, dOffset);
    const sumDyX = heapF32(backend, sumDyXmu);
    const a = new Float64Array(channels);
    const d = new Float64Array(channels);
    const e = new Float64Array(channels);
    const dGamma = new Float64Array(channels);
    for (let k = 0; k < channels; k++) {
      const inverse = 1 / Math.sqrt(sigma2[k]! + varianceEpsilon);
      a[k] = gamma[k]! * inverse;
      d[k] = (-a[k]! * inverse * inverse * sumDyX[k]!) / rows;
      e[k] = (-a[k]! * sumDy[k]!) / rows - d[k]! * mu[k]!;
      dGamma[k] = sumDyX[k]! * inverse;
    }
    heapF32(backend, dScale).set(dGamma);
    disposeTemp(backend, sumDyXmu);
    const dx = backend.makeOutput(x.shape, 'float32');
    const coefficients = [a, d, e].map((values) => heapVector(backend, values));
    const [pa, pd, pe] = coefficients.map((info) => heapPtr(backend, info)) as [
      number,
      number,
      number,
    ];
    simd.batchNormGradInput(
      heapPtr(backend, dy),
      heapPtr(backend, x),
      heapPtr(backend, dx),
      rows,
      channels,
      pa,
      pd,
      pe,
    );
    for (const info of coefficients) disposeTemp(backend, info);
    return [dx, dScale, dOffset];
  };
}

let gradientRegistered = false;

/** The gradient of ConvlabBatchNormTraining (its mean and variance outputs are not differentiated). */
export function registerBatchNormTrainingGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAINING_KERNEL,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved;
      // One kernel yields all three gradients. It runs here rather than inside a closure: the engine runs
      // each closure in its own tidy, which would dispose the two outputs that closure does not return.
      const [dx, dScale, dOffset] = tf
        .engine()
        .runKernel<tf.Tensor[]>(
          BATCH_NORM_TRAINING_GRAD_KERNEL,
          { dy: dy!, x: x!, scale: scale!, mean: mean!, variance: variance! },
          attrs,
        );
      return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
    },
  });
}

/** Whether the active backend runs batchNormTraining (convlab's fast kernels are registered on it). */
export function hasBatchNormTrainingKernel(): boolean {
  return tf.getKernel(BATCH_NORM_TRAINING_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Training-mode batch norm over the last axis of a float32 tensor: [normalised x, batch mean, batch
 * variance]. Needs hasBatchNormTrainingKernel().
 */
export function batchNormTraining(
  x: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
  varianceEpsilon: number,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const attrs = { varianceEpsilon } as unknown as NamedAttrMap;
  const [y, mean, variance] = tf
    .engine()
    .runKernel<tf.Tensor[]>(BATCH_NORM_TRAINING_KERNEL, { x, scale, offset }, attrs);
  return [y!, mean!, variance!];
}
