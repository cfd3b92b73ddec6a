/**
 * The GPU check: does TensorFlow.js on WebGPU (Dawn) train what convlab trains, correctly, and how fast?
 * One process, the cases in order, one JSON line per case on stdout:
 *   {"case":"tiny-cnn-learns","status":"ok","seconds":17.4,...details}
 *   {"case":"backend","status":"failed","reason":"Dawn found no WebGPU adapter …"}
 * Exit code 1 when any case failed (the cases after a failed `backend` are "skipped" with why); on
 * SIGTERM (a time limit) the running case fails, the rest are skipped, and the exit code is 124.
 *
 *   tsx bench/gpu-check.ts                  correctness cases (what CI runs on lavapipe)
 *   tsx bench/gpu-check.ts --require-gpu --throughput   (scripts/gpu-check.sh, on a GPU machine)
 *   tsx bench/gpu-check.ts --only cnn-plus-train-throughput       (some cases, after `backend`)
 * Each throughput case runs on webgpu, then on wasm in the same process, and reports both.
 */
import { parseArgs } from 'node:util';
import {
  againstWasm,
  backendCase,
  cnnThroughputCase,
  gradCamMatchesWasmCase,
  makeWorkDir,
  seedCnnMatchesWasmCase,
  tinyCnnCase,
  transferPlusFineTuneCase,
  transferPlusThroughputCase,
  type CaseDetails,
  type CheckOptions,
} from './gpu-check-cases.ts';

interface CheckCase {
  name: string;
  run: (options: CheckOptions) => Promise<CaseDetails>;
}

const CORRECTNESS: CheckCase[] = [
  { name: 'backend', run: backendCase },
  { name: 'tiny-cnn-learns', run: tinyCnnCase },
  { name: 'seed-cnn-matches-wasm', run: seedCnnMatchesWasmCase },
  { name: 'transfer-plus-fine-tune-step', run: transferPlusFineTuneCase },
  { name: 'grad-cam-matches-wasm', run: gradCamMatchesWasmCase },
];

const THROUGHPUT: CheckCase[] = [
  {
    name: 'seed-cnn-train-throughput',
    run: () => againstWasm(() => cnnThroughputCase('seed-cnn')),
  },
  {
    name: 'cnn-plus-train-throughput',
    run: () => againstWasm(() => cnnThroughputCase('cnn-plus')),
  },
  {
    name: 'transfer-plus-fine-tune-throughput',
    run: () => againstWasm(transferPlusThroughputCase),
  },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'require-gpu': { type: 'boolean', default: false },
      throughput: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
    },
  });
  const all = [...CORRECTNESS, ...THROUGHPUT];
  const unknown = (values.only ?? []).filter((name) => !all.some((c) => c.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `gpu-check: unknown case ${unknown.join(', ')}; cases: ${all.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  const work = await makeWorkDir();
  const options: CheckOptions = { requireGpu: values['require-gpu'], workDir: work.dir };
  // `backend` always runs first: it selects webgpu for the cases after it.
  const cases = values.only
    ? all.filter((c) => c.name === 'backend' || values.only?.includes(c.name))
    : [...CORRECTNESS, ...(values.throughput ? THROUGHPUT : [])];
  let failed = 0;
  let noBackend: string | null = null;
  let current = 0;
  // scripts/gpu-check.sh runs this under `timeout`: the case it stops still gets its line (after the
  // last case, every line is out already).
  process.once('SIGTERM', () => {
    const stopped = cases[current];
    if (stopped)
      print({ case: stopped.name, status: 'failed', reason: 'stopped by the time limit' });
    for (const { name } of cases.slice(current + 1))
      print({ case: name, status: 'skipped', reason: 'the time limit was reached' });
    void work.remove().finally(() => process.exit(124));
  });
  try {
    for (const [index, { name, run }] of cases.entries()) {
      current = index;
      if (noBackend !== null) {
        print({ case: name, status: 'skipped', reason: `no webgpu backend: ${noBackend}` });
        continue;
      }
      const started = performance.now();
      try {
        const details = await run(options);
        print({ case: name, status: 'ok', seconds: seconds(started), ...details });
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        print({ case: name, status: 'failed', seconds: seconds(started), reason });
        if (name === 'backend') noBackend = reason;
      }
    }
  } finally {
    current = cases.length;
    await work.remove();
  }
  return failed > 0 ? 1 : 0;
}

function seconds(started: number): number {
  return Math.round((performance.now() - started) / 10) / 100;
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

process.exitCode = await main();
