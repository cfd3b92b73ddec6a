import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  describeAdapter,
  gpuDeviceNodes,
  isSoftwareAdapter,
  type GpuAdapterReport,
} from '../../src/index.ts';
import { DAWN_FLAGS } from '../../src/backend/webgpu.ts';

const adapter = (fields: Partial<GpuAdapterReport>): GpuAdapterReport => ({
  vendor: '',
  architecture: '',
  device: '',
  description: '',
  isFallbackAdapter: false,
  ...fields,
});

// What Dawn reported on this machine's lavapipe (Mesa 25 from bookworm-backports).
const lavapipe = adapter({
  vendor: 'mesa',
  architecture: 'software',
  device: 'llvmpipe-llvm-15-0-6-256-bits-',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1',
  isFallbackAdapter: true,
});
const nvidia = adapter({
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'NVIDIA H200',
  description: 'NVIDIA H200',
});

describe('isSoftwareAdapter', () => {
  it('knows the CPU-emulated adapters by name, fallback flag or architecture', () => {
    expect(isSoftwareAdapter(lavapipe)).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'llvmpipe: Mesa 22.3.6 (LLVM 15.0.6)' }))).toBe(
      true,
    );
    expect(isSoftwareAdapter(adapter({ description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ description: 'Some GPU', isFallbackAdapter: true }))).toBe(
      true,
    );
    expect(isSoftwareAdapter(adapter({ description: 'Some GPU', architecture: 'software' }))).toBe(
      true,
    );
  });

  it('takes a real GPU for a GPU', () => {
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(
      isSoftwareAdapter(adapter({ vendor: 'amd', description: 'AMD Radeon RX 7900 XTX' })),
    ).toBe(false);
  });
});

describe('describeAdapter', () => {
  it('names the adapter with its vendor, and says when it is software', () => {
    expect(describeAdapter(nvidia)).toBe('NVIDIA H200 (nvidia)');
    expect(describeAdapter(lavapipe)).toBe(
      'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 (mesa, software)',
    );
  });

  it('falls back to the device name, then to a placeholder', () => {
    expect(describeAdapter(adapter({ device: 'Intel Arc A770' }))).toBe('Intel Arc A770');
    expect(describeAdapter(adapter({}))).toBe('unnamed adapter');
  });
});

describe('DAWN_FLAGS', () => {
  it('asks Dawn for its Vulkan backend on Linux, so no OpenGL adapter is picked without a display', () => {
    expect(DAWN_FLAGS).toEqual(process.platform === 'linux' ? ['backend=vulkan'] : []);
  });
});

describe('gpuDeviceNodes', () => {
  it("lists the Linux host's GPU device nodes that exist (none on a CPU-only host)", () => {
    const nodes = gpuDeviceNodes();
    if (process.platform !== 'linux') {
      expect(nodes).toBeNull();
      return;
    }
    expect(nodes).toEqual(expect.any(Array));
    for (const node of nodes ?? []) {
      expect(node).toMatch(/^\/dev\/(dri\/renderD\d+|nvidia\d+|dxg)$/);
      expect(existsSync(node)).toBe(true);
    }
  });
});
