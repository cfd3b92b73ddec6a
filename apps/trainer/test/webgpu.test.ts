/**
 * TensorFlow.js on WebGPU through Dawn, forced onto this machine's adapter (in CI: lavapipe, Mesa's
 * software Vulkan): the GPU check's correctness cases, and a real trainer training a queued run on it.
 * There is no skip: a machine where Dawn cannot create an adapter fails here with Dawn's reason.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, TINY_RUN, type Sandbox } from './harness.ts';

const TRAINER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface CheckLine {
  case: string;
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  [detail: string]: unknown;
}

function runGpuCheck(): Promise<{ code: number; lines: CheckLine[]; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/gpu-check.ts'],
      { cwd: TRAINER_DIR, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const lines = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as CheckLine);
        resolve({ code, lines, stderr });
      },
    );
  });
}

describe('the webgpu backend (Dawn)', () => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox();
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('passes the GPU check: learns, matches wasm, fine-tunes a transfer model, leaks nothing', async () => {
    const { code, lines, stderr } = await runGpuCheck();
    const byCase = new Map(lines.map((line) => [line.case, line]));
    // Each case's own reason is the failure message (e.g. Dawn finding no adapter).
    for (const name of [
      'backend',
      'tiny-cnn-learns',
      'seed-cnn-matches-wasm',
      'transfer-plus-fine-tune-step',
      'grad-cam-matches-wasm',
    ]) {
      const line = byCase.get(name);
      expect(line, `no line for ${name}: ${stderr.slice(-2000)}`).toBeDefined();
      expect(line?.status, `${name}: ${line?.reason ?? ''}`).toBe('ok');
    }
    expect(code).toBe(0);
    const backend = byCase.get('backend');
    expect(backend?.backend).toBe('webgpu');
    expect(backend?.device).toEqual(expect.any(String));
    const matches = byCase.get('seed-cnn-matches-wasm') as { maxDifference: number } | undefined;
    expect(matches?.maxDifference).toBeLessThanOrEqual(1e-3);
  });

  it('trains a queued run in a trainer forced to webgpu and reports the adapter on the run and worker', async () => {
    const id = await sandbox.queue([...TINY_RUN, '--epochs', '2']);
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1'], {
      CONVLAB_BACKEND: 'webgpu',
    });
    const { code } = await trainer.exited;
    expect(code, trainer.output()).toBe(0);

    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as {
      status: string;
      backend: string;
      backendDevice: string | null;
      report: { testAcc: number } | null;
    };
    expect(shown.status).toBe('completed');
    expect(shown.backend).toBe('webgpu');
    expect(shown.backendDevice).toMatch(/\S/);
    expect(shown.report?.testAcc).toBeGreaterThan(0.2);
    const text = await sandbox.cli(['show', id]);
    expect(text.stdout).toContain(`backend:  webgpu on ${shown.backendDevice}`);

    // The worker row (stopped now that --once is done) carries the same adapter.
    const workers = await sandbox.db().worker.findMany();
    expect(workers.map((w) => [w.backend, w.backendDevice])).toEqual([
      ['webgpu', shown.backendDevice],
    ]);
  });
});
