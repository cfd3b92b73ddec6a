/**
 * Loads convlab's own WebAssembly SIMD kernels (packages/core/simd, built into simd/build/) into the
 * wasm backend's memory: the module imports the backend's `WebAssembly.Memory`, so a kernel reads and
 * writes tensors in place, addressed by their byte offsets in the heap.
 *
 * Two builds exist: `relaxed` (multiply-adds as relaxed-SIMD fused multiply-adds, 20–35% faster
 * products) where the engine accepts it, else `plain`. Node 20's V8 has relaxed SIMD behind a flag,
 * which is switched on here before the module is compiled (newer engines have it on already).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-heap.ts';

type Ptr = number;

/** The module's exports (see packages/core/simd/*.ts for what each computes). */
export interface SimdKernels {
  conv2dFilterGrad(
    xp: Ptr,
    dy: Ptr,
    dw: Ptr,
    n: number,
    hp: number,
    wp: number,
    ci: number,
    oh: number,
    ow: number,
    co: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
  ): void;
  padNhwc(
    x: Ptr,
    out: Ptr,
    n: number,
    h: number,
    w: number,
    c: number,
    top: number,
    left: number,
    outH: number,
    outW: number,
  ): void;
  channelSums(x: Ptr, rows: number, c: number, out: Ptr, divisor: number, scratch: Ptr): void;
  channelMoments(x: Ptr, rows: number, c: number, mean: Ptr, variance: Ptr, scratch: Ptr): void;
  channelAffine(x: Ptr, y: Ptr, rows: number, c: number, scale: Ptr, shift: Ptr): void;
  batchNormGradSums(
    dy: Ptr,
    x: Ptr,
    rows: number,
    c: number,
    mean: Ptr,
    sumDy: Ptr,
    sumDyXmu: Ptr,
    scratch: Ptr,
  ): void;
  batchNormGradInput(
    dy: Ptr,
    x: Ptr,
    dx: Ptr,
    rows: number,
    c: number,
    a: Ptr,
    d: Ptr,
    e: Ptr,
  ): void;
  maxPool2x2Grad(
    x: Ptr,
    dy: Ptr,
    dx: Ptr,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
  ): void;
  reluGrad(dy: Ptr, x: Ptr, dx: Ptr, count: number): void;
  clipGrad(dy: Ptr, x: Ptr, dx: Ptr, count: number, lo: number, hi: number): void;
  gemm(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number): void;
  biasActivation(
    y: Ptr,
    bias: Ptr,
    hasBias: number,
    rows: number,
    c: number,
    activation: number,
  ): void;
  transpose(src: Ptr, dst: Ptr, rows: number, cols: number): void;
  adamUpdate(
    w: Ptr,
    m: Ptr,
    v: Ptr,
    g: Ptr,
    wOut: Ptr,
    mOut: Ptr,
    vOut: Ptr,
    count: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
    epsilon: number,
    negLearningRate: number,
  ): void;
  depthwiseFilterGrad(
    x: Ptr,
    dy: Ptr,
    dw: Ptr,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
  ): void;
  depthwiseInputGrad(
    dy: Ptr,
    filter: Ptr,
    dx: Ptr,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    pt: number,
    pl: number,
  ): void;
}

export type SimdVariant = 'relaxed' | 'plain';

const KERNEL_FILES: Record<SimdVariant, string> = {
  relaxed: fileURLToPath(new URL('../../../simd/build/kernels-relaxed.wasm', import.meta.url)),
  plain: fileURLToPath(new URL('../../../simd/build/kernels.wasm', import.meta.url)),
};

/** What the wasm backend exposes beyond WasmBackend: its Emscripten module and tensor table. */
interface BackendInternals {
  wasm?: { asm?: { memory?: unknown } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/** The slice of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: SimdKernels };
  validate(this: void, bytes: Uint8Array): boolean;
}
const { Memory, Module, Instance, validate } = (
  globalThis as unknown as { WebAssembly: WebAssemblyApi }
).WebAssembly;

export interface LoadedSimdKernels {
  kernels: SimdKernels;
  variant: SimdVariant;
}

const loaded = new WeakMap<object, LoadedSimdKernels>();

function readKernels(variant: SimdVariant): Buffer {
  try {
    return readFileSync(KERNEL_FILES[variant]);
  } catch {
    throw new Error(
      `SIMD kernels not built (${KERNEL_FILES[variant]} is missing): run ` +
        '`npm run build:simd -w @convlab/core`',
    );
  }
}

/** The relaxed build if this engine accepts relaxed SIMD (after switching it on), else null. */
function relaxedKernels(): Buffer | null {
  // Affects only what WebAssembly code V8 accepts from now on; unknown to newer V8s, where it is on.
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  const bytes = readKernels('relaxed');
  return validate(bytes) ? bytes : null;
}

/**
 * The kernels bound to this backend's memory (instantiated once per backend): the relaxed build where
 * the engine has relaxed SIMD, unless `prefer` is 'plain'. Throws when they are unavailable.
 */
export function simdKernels(
  backend: WasmBackend,
  prefer: SimdVariant = 'relaxed',
): LoadedSimdKernels {
  const cached = loaded.get(backend);
  if (cached) return cached;
  const memory = (backend as unknown as BackendInternals).wasm?.asm?.memory;
  if (!(memory instanceof Memory))
    throw new Error('the wasm backend does not expose its WebAssembly.Memory');
  const relaxed = prefer === 'relaxed' ? relaxedKernels() : null;
  const variant: SimdVariant = relaxed ? 'relaxed' : 'plain';
  const bytes = relaxed ?? readKernels('plain');
  const instance = new Instance(new Module(bytes), { env: { memory } });
  const result = { kernels: instance.exports, variant };
  loaded.set(backend, result);
  return result;
}

/** Byte offset of a tensor's data in the backend's heap. */
export function heapPtr(backend: WasmBackend, info: TensorInfo): Ptr {
  const data = (backend as unknown as BackendInternals).dataIdMap.get(info.dataId);
  if (!data) throw new Error('wasm fast kernel: tensor is not on the wasm backend');
  return data.memoryOffset;
}
