/**
 * The few BackendWasm methods the fast kernels use. Kernels allocate raw backend tensors (not tracked by
 * the engine, not on the gradient tape) and must free every intermediate with `disposeData`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** A kernel implementation as the engine calls it. */
export type WasmKernelArgs = Parameters<KernelFunc>[0];

export function wasmBackendOf(args: WasmKernelArgs): WasmBackend {
  return args.backend as WasmBackend;
}

/**
 * A Float32Array view of a tensor in the wasm heap. Views go stale when the heap grows (any allocation,
 * including one inside a stock kernel), so take them right before use.
 */
export function heapF32(backend: WasmBackend, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32')
    throw new Error(`wasm fast kernel: expected float32, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

export function disposeTemp(backend: WasmBackend, info: TensorInfo): void {
  backend.disposeData(info.dataId, true);
}

/** Call a stock wasm kernel directly: no engine bookkeeping, nothing recorded on the gradient tape. */
export function callStock(
  kernel: KernelFunc,
  backend: WasmBackend,
  inputs: tf.NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const out = kernel({ inputs, backend: backend, attrs });
  if (Array.isArray(out)) throw new Error('wasm fast kernel: expected a single output');
  return out;
}
