/**
 * Identity without a copy. The engine clones every tensor it saves for the backward pass (38 clones per
 * seed-cnn step), and the stock wasm Identity copies the data each time, although tensors are immutable.
 * This one shares the data and counts a reference, as the cpu backend's and wasm's own Reshape do.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmKernelArgs } from './wasm-heap.ts';

interface RefCounting {
  incRef(dataId: object): void;
}

export function identity(args: WasmKernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  (args.backend as unknown as RefCounting).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
