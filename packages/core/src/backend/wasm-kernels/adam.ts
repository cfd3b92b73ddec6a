/**
 * A fused Adam step for the wasm backend. tfjs's AdamOptimizer runs ~10 element-wise kernels per variable
 * and step; `ConvlabAdamUpdate` does the same arithmetic in one SIMD pass (bit-identical results, see
 * simd/optimizers.ts). `FastAdamOptimizer` is tfjs's AdamOptimizer (same state, weights and
 * serialization) whose applyGradients uses the fused kernel when the active backend has it.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { heapPtr, type SimdKernels } from './simd-module.ts';
import { wasmBackendOf, type WasmKernelArgs } from './wasm-heap.ts';

export const ADAM_UPDATE_KERNEL = 'ConvlabAdamUpdate';

interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ, already rounded to float32 as tfjs's `sub(1, accBeta)` gives them. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

export function makeAdamUpdate(simd: SimdKernels) {
  return function adamUpdate(args: WasmKernelArgs): TensorInfo[] {
    const backend = wasmBackendOf(args);
    const { value, m, v, gradient } = args.inputs as Record<string, TensorInfo>;
    if (!value || !m || !v || !gradient) throw new Error(`${ADAM_UPDATE_KERNEL}: missing inputs`);
    const attrs = args.attrs as unknown as AdamUpdateAttrs;
    const outputs = [value, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    const [newValue, newM, newV] = outputs as [TensorInfo, TensorInfo, TensorInfo];
    simd.adamUpdate(
      heapPtr(backend, value),
      heapPtr(backend, m),
      heapPtr(backend, v),
      heapPtr(backend, gradient),
      heapPtr(backend, newValue),
      heapPtr(backend, newM),
      heapPtr(backend, newV),
      tf.util.sizeFromShape(value.shape),
      attrs.beta1,
      1 - attrs.beta1,
      attrs.beta2,
      1 - attrs.beta2,
      attrs.oneMinusAccBeta1,
      attrs.oneMinusAccBeta2,
      attrs.epsilon,
      -attrs.learningRate,
    );
    return outputs;
  };
}

/** AdamOptimizer's private state, which the fused step reads and updates exactly as the stock one does. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

export class FastAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(
    variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0],
  ): void {
    if (!tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend())) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const round = Math.fround;
    const attrs: AdamUpdateAttrs = {
      beta1: state.beta1,
      beta2: state.beta2,
      epsilon: state.epsilon,
      learningRate: state.learningRate,
      oneMinusAccBeta1: round(1 - (state.accBeta1.dataSync()[0] ?? 0)),
      oneMinusAccBeta2: round(1 - (state.accBeta2.dataSync()[0] ?? 0)),
    };
    tf.tidy(() => {
      entries.forEach(([name, gradient], i) => {
        const value = tf.engine().registeredVariables[name];
        if (!value) throw new Error(`Adam: no variable named ${name}`);
        const moment = (suffix: string) => ({
          originalName: `${name}/${suffix}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        });
        const first = (state.accumulatedFirstMoment[i] ??= moment('m'));
        const second = (state.accumulatedSecondMoment[i] ??= moment('v'));
        if (gradient == null) return;
        const [newValue, newM, newV] = tf
          .engine()
          .runKernel<tf.Tensor[]>(
            ADAM_UPDATE_KERNEL,
            { value, m: first.variable, v: second.variable, gradient },
            attrs as unknown as NamedAttrMap,
          );
        first.variable.assign(newM!);
        second.variable.assign(newV!);
        value.assign(newValue!);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    state.incrementIterations();
  }
}
