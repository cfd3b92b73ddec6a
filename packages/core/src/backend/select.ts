/**
 * Picks the fastest TensorFlow.js backend this host offers: tfjs-node-gpu, then WebGPU through Dawn on a
 * real GPU adapter, then tfjs-node (the native packages are optional and usually cannot install; Dawn
 * ships in its npm tarball), then wasm with the project's fast gradient kernels, then the pure-JS cpu
 * backend. CONVLAB_BACKEND (or the argument) pins one; a pinned webgpu takes a software adapter too.
 * Calling it again is a no-op.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fastKernelsSimdVariant, registerFastWasmKernels } from './wasm-kernels/index.ts';
import { coreEnv } from '../env.ts';
import { describeAdapter, gpuDeviceNodes, isSoftwareAdapter, webGpuAdapter } from './webgpu.ts';
import type { SimdVariant } from './wasm-kernels/simd-module.ts';
import {
  BACKEND_PREFERENCES,
  backendPreferenceSchema,
  type BackendPreference,
} from './backend-preference.ts';

export {
  BACKEND_PREFERENCES,
  backendPreferenceSchema,
  type BackendPreference,
} from './backend-preference.ts';
/** tfjs-node registers itself as 'tensorflow' (with or without GPU). */
export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendSelection {
  backend: BackendName;
  /** Names of the custom kernels registered on top of the backend (wasm only). */
  kernels: string[];
  /** Which build of convlab's SIMD kernels runs them: relaxed (fused multiply-add) or plain (wasm only). */
  simd: SimdVariant | null;
  /** The device it computes on, where the backend says (webgpu: the adapter, "NVIDIA H200 (nvidia)"). */
  device: string | null;
  /** Why the backends before it in the automatic order were passed over ("webgpu: … software"). */
  passedOver: string[];
}

type Candidate = Exclude<BackendPreference, 'auto'>;
const AUTO_ORDER: Candidate[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
// Optional: installs everywhere from the registry, but a host may leave optional packages out.
const WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

let selection: Promise<BackendSelection> | null = null;

/** Select and initialise the backend once per process; later calls return the first result. */
export function initBackend(preference: BackendPreference = 'auto'): Promise<BackendSelection> {
  selection ??= selectBackend(preference).catch((error: unknown) => {
    selection = null;
    throw error;
  });
  return selection;
}

async function selectBackend(argument: BackendPreference): Promise<BackendSelection> {
  const fromEnv = coreEnv().CONVLAB_BACKEND;
  const parsed = backendPreferenceSchema.safeParse(fromEnv ?? argument);
  if (!parsed.success) {
    throw new Error(
      `CONVLAB_BACKEND: expected one of ${BACKEND_PREFERENCES.join(', ')}, got "${fromEnv ?? argument}"`,
    );
  }
  const preference = parsed.data;
  const order = preference === 'auto' ? AUTO_ORDER : [preference];
  const failures: string[] = [];
  for (const candidate of order) {
    try {
      const started = await activate(candidate, preference === candidate);
      return { ...started, passedOver: failures };
    } catch (error) {
      failures.push(`${candidate}: ${whyNot(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join('; ')})`);
}

/**
 * Why a backend did not start, in a few words: a missing optional package is expected, not an error
 * ("@tensorflow/tfjs-node-gpu is not installed (optional)"). The package named is the one Node could
 * not find, so a broken install (a dependency of the package missing) names that dependency.
 */
function whyNot(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /^Cannot find package '([^']+)'/.exec(message)?.[1];
  if ((error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' && missing)
    return `${missing} is not installed (optional)`;
  return message;
}

/**
 * Makes `backend` current in this process beside the one initBackend selected, for side-by-side
 * checks (webgpu against wasm from the same weights). Tensors stay on the backend that made them.
 */
export async function activateBackend(backend: Candidate): Promise<BackendSelection> {
  return { ...(await activate(backend, true)), passedOver: [] };
}

async function activate(
  candidate: Candidate,
  pinned: boolean,
): Promise<Omit<BackendSelection, 'passedOver'>> {
  if (candidate === 'tensorflow-gpu' || candidate === 'tensorflow') {
    const moduleName =
      candidate === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    // A variable specifier keeps tsc from requiring the optional native packages, and the ignore
    // comments keep bundlers (the dashboard's) from replacing the import with a "not found" stub.
    await import(
      /* @vite-ignore */ /* webpackIgnore: true */ /* turbopackIgnore: true */ moduleName
    );
    await setBackendOrThrow('tensorflow');
    return { backend: 'tensorflow', kernels: [], simd: null, device: null };
  }
  if (candidate === 'webgpu') {
    if (!pinned && gpuDeviceNodes()?.length === 0)
      throw new Error(
        'no GPU device on this host (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg); ' +
          'CONVLAB_BACKEND=webgpu tries a software adapter',
      );
    const adapter = await webGpuAdapter();
    if (!pinned && isSoftwareAdapter(adapter))
      throw new Error(
        `${describeAdapter(adapter)} is a software adapter, slower than wasm ` +
          '(CONVLAB_BACKEND=webgpu uses it anyway)',
      );
    await import(
      /* @vite-ignore */ /* webpackIgnore: true */ /* turbopackIgnore: true */ WEBGPU_PACKAGE
    );
    await setBackendOrThrow('webgpu');
    return { backend: 'webgpu', kernels: [], simd: null, device: describeAdapter(adapter) };
  }
  if (candidate === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Under Node the wasm binaries are read from disk: point the loader at the package's dist folder.
    const require = createRequire(import.meta.url);
    // Resolved at run time: a bundler would otherwise replace the path with its own module id.
    const distDir = path.dirname(require.resolve(/* turbopackIgnore: true */ WASM_PACKAGE));
    wasm.setWasmPaths(distDir + path.sep);
    await setBackendOrThrow('wasm');
    const kernels = registerFastWasmKernels();
    return { backend: 'wasm', kernels, simd: fastKernelsSimdVariant(), device: null };
  }
  await setBackendOrThrow('cpu');
  return { backend: 'cpu', kernels: [], simd: null, device: null };
}

async function setBackendOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
}
