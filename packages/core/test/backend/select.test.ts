import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { gpuDeviceNodes, initBackend } from '../../src/index.ts';

describe('initBackend', () => {
  const saved = process.env.CONVLAB_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.CONVLAB_BACKEND;
    else process.env.CONVLAB_BACKEND = saved;
  });

  it('rejects an unknown CONVLAB_BACKEND with a clear error', async () => {
    process.env.CONVLAB_BACKEND = 'quantum';
    await expect(initBackend()).rejects.toThrow(/CONVLAB_BACKEND: expected one of/);
  });

  it('falls back past the absent native backends to wasm with the fast kernels, once', async () => {
    delete process.env.CONVLAB_BACKEND;
    const first = await initBackend('auto');
    // tfjs-node cannot install here; where it can, it wins.
    expect(['tensorflow', 'wasm']).toContain(first.backend);
    expect(tf.getBackend()).toBe(first.backend);
    if (first.backend === 'wasm') {
      expect(first.kernels).toContain('Conv2DBackpropFilter');
      expect(first.device).toBeNull();
      // Each backend before wasm says why it was passed over; webgpu's: no GPU device node (here),
      // a software adapter, or no adapter at all — never a silent skip.
      expect(first.passedOver.map((reason) => reason.split(':')[0])).toEqual([
        'tensorflow-gpu',
        'webgpu',
        'tensorflow',
      ]);
      // A missing optional package is said plainly, not as a "Cannot find package" stack.
      if (!resolvable('@tensorflow/tfjs-node-gpu'))
        expect(first.passedOver[0]).toBe(
          'tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed (optional)',
        );
      expect(first.passedOver[1]).toMatch(
        gpuDeviceNodes()?.length === 0
          ? /no GPU device on this host/ // Dawn is not even loaded
          : /software adapter|no WebGPU adapter|Cannot find/,
      );
    }
    const second = await initBackend('cpu');
    expect(second).toBe(first);
  });
});

function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
