// Public API of @convlab/core. Each area adds its own export lines here.
export * from './contracts/index.ts';
export * from './paths.ts';
export * from './policy/data-policy.ts';
export * from './policy/check-locations.ts';
export * from './data/index.ts';
export * from './backend/select.ts';
export * from './models/index.ts';
export * from './training/index.ts';
export * from './evaluation/index.ts';
export { registerFastWasmKernels } from './backend/wasm-kernels/index.ts';
export {
  describeAdapter,
  gpuDeviceNodes,
  isSoftwareAdapter,
  webGpuAdapter,
  type GpuAdapterReport,
} from './backend/webgpu.ts';
export * from './explain/index.ts';
