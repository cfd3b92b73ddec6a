/**
 * WebGPU in Node through Dawn (the optional npm package `webgpu`, whose dawn.node ships in its tarball):
 * installs `navigator.gpu` and the GPU* constants that @tensorflow/tfjs-backend-webgpu expects from a
 * browser, and describes the adapter it would train on. A software adapter (lavapipe, SwiftShader) is
 * correct but slower than wasm, so the automatic choice skips it.
 */
import { readdirSync } from 'node:fs';
import { ensureXdgRuntimeDir } from '../env.ts';

/** What Dawn says of the adapter (GPUAdapterInfo). */
export interface GpuAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

interface AdapterLike {
  info?: Partial<GpuAdapterReport>;
  isFallbackAdapter?: boolean;
}

const DAWN_PACKAGE = 'webgpu';
/** Dawn's toggles for `create()`: on Linux, the Vulkan backend (a container or server has no display). */
export const DAWN_FLAGS: string[] = process.platform === 'linux' ? ['backend=vulkan'] : [];

let installed: Promise<GpuLike> | null = null;

/** Loads Dawn and sets `navigator.gpu` once per process (tfjs's webgpu backend reads it from there). */
function installNavigatorGpu(): Promise<GpuLike> {
  installed ??= (async () => {
    ensureXdgRuntimeDir();
    // A variable specifier keeps tsc and bundlers from requiring the optional package.
    const dawn = (await import(
      /* @vite-ignore */ /* webpackIgnore: true */ /* turbopackIgnore: true */ DAWN_PACKAGE
    )) as DawnModule;
    Object.assign(globalThis, dawn.globals);
    // Linux: Vulkan only, so an OpenGL(ES) adapter is never picked on a host without a display.
    const gpu = dawn.create(DAWN_FLAGS);
    const nav = (globalThis as { navigator?: object }).navigator;
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    return gpu;
  })().catch((error: unknown) => {
    installed = null;
    throw error;
  });
  return installed;
}

/**
 * The adapter tfjs will ask for (high-performance), described; throws with the reason when Dawn cannot
 * load or finds no adapter (no Vulkan driver, or one Dawn refuses).
 */
export async function webGpuAdapter(): Promise<GpuAdapterReport> {
  const gpu = await installNavigatorGpu();
  // Only read: an adapter that created a device is "consumed", so tfjs requests its own.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      'Dawn found no WebGPU adapter (it needs a Vulkan driver it accepts: a GPU driver, or ' +
        'mesa-vulkan-drivers ≥ 23 for the software one)',
    );
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
}

/**
 * The GPU device nodes of a Linux host: DRM render nodes (Mesa's GPU drivers), NVIDIA's, WSL's. With
 * none, Dawn can find only a software adapter, so the automatic choice does not load it at all (Dawn
 * prints warnings at start). Null on platforms without such nodes (macOS: Metal, Windows: D3D12).
 */
export function gpuDeviceNodes(): string[] | null {
  if (process.platform !== 'linux') return null;
  const nodes = (dir: string, pattern: RegExp) => {
    try {
      return readdirSync(dir)
        .filter((name) => pattern.test(name))
        .map((name) => `${dir}/${name}`);
    } catch {
      return [];
    }
  };
  return [...nodes('/dev/dri', /^renderD\d+$/), ...nodes('/dev', /^(nvidia\d+|dxg)$/)];
}

const SOFTWARE_RENDERERS = /llvmpipe|lavapipe|swiftshader|softpipe|warp/i;

/** True for a CPU-emulated adapter: correct, but no faster than the wasm backend. */
export function isSoftwareAdapter(adapter: GpuAdapterReport): boolean {
  return (
    adapter.isFallbackAdapter ||
    adapter.architecture === 'software' ||
    SOFTWARE_RENDERERS.test(`${adapter.description} ${adapter.device}`)
  );
}

/** One line for logs, runs and workers: "NVIDIA H200 (nvidia)", "llvmpipe: Mesa 25.0.7 (mesa, software)". */
export function describeAdapter(adapter: GpuAdapterReport): string {
  const name = adapter.description || adapter.device || 'unnamed adapter';
  const traits = [adapter.vendor, isSoftwareAdapter(adapter) ? 'software' : ''].filter(Boolean);
  return traits.length > 0 ? `${name} (${traits.join(', ')})` : name;
}
