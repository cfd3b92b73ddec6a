/**
 * `npm run bench`: throughput of the things convlab runs. Each case runs in its own child process (a fresh
 * wasm instance, no cross-talk), prints one JSON line, and all lines go to <repo root>/bench/results.json.
 * Run one case alone with `tsx bench/run.ts --case <name>`. The CPU may be shared: each line carries the
 * process CPU time next to the wall time, and rates are computed from wall time after warm-up.
 * Comparisons (convlab against PyTorch) are the paired cases (paired-cases.ts): interleaved rounds
 * after a stable warm-up, the median of per-round ratios with min–max. results.json names the CPU.
 * `--against <revision>` runs only the before/after comparisons with that revision (revision-tree.ts),
 * into bench/revision-results.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRepoRoot } from '@convlab/core/paths';
import { caseProcessEnv } from './env.ts';
import { CASES, cpuDescription, type BenchCase, type BenchResult } from './cases.ts';
import { PAIRED_CASES, revisionCases, serveRounds, WORKER_PAIRED_CASES } from './paired-cases.ts';
import { ALL_REDUCE_CASE } from './worker-cases.ts';
import { checkoutRevision, type RevisionTree } from './revision-tree.ts';

const SCRIPT = fileURLToPath(import.meta.url);
const ALL_CASES: BenchCase[] = [...CASES, ...PAIRED_CASES, ...WORKER_PAIRED_CASES, ALL_REDUCE_CASE];

interface CaseOutcome extends BenchResult {
  case: string;
}

function runChild(name: string, timeoutMs: number): Promise<CaseOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, SCRIPT, '--case', name], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: caseProcessEnv(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) {
        resolve({ case: name, ...(JSON.parse(line.slice('RESULT '.length)) as BenchResult) });
      } else {
        const why = code === null ? `killed after ${timeoutMs / 1000}s` : `exit code ${code}`;
        const lastError = stderr.trim().split('\n').slice(-1)[0]?.slice(0, 300) ?? '';
        resolve({ case: name, status: 'error', reason: `${why}: ${lastError}` });
      }
    });
  });
}

async function runOne(name: string): Promise<void> {
  const definition = ALL_CASES.find((c) => c.name === name);
  if (!definition)
    throw new Error(
      `unknown bench case "${name}"; cases: ${ALL_CASES.map((c) => c.name).join(', ')}`,
    );
  const result = await definition.run();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

async function runAll(
  only: string[],
  cases: BenchCase[] = ALL_CASES,
  fileName = 'results.json',
): Promise<void> {
  const started = Date.now();
  const outcomes: CaseOutcome[] = [];
  for (const definition of cases) {
    if (only.length > 0 && !only.includes(definition.name)) continue;
    const outcome = definition.inProcess
      ? await runInProcess(definition)
      : definition.concurrent !== undefined
        ? await runConcurrent(definition.name, definition.concurrent, definition.timeoutMs)
        : await runChild(definition.name, definition.timeoutMs);
    outcomes.push(outcome);
    console.log(JSON.stringify(outcome));
  }
  addGemmPeakFractions(outcomes);
  const file = path.join(findRepoRoot(), 'bench', fileName);
  mkdirSync(path.dirname(file), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    cpu: cpuDescription(),
    wallSeconds: (Date.now() - started) / 1000,
    outcomes,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify({ case: 'summary', file, wallSeconds: report.wallSeconds }));
}

/** N copies of a case at once (each its own process); the total rate is what 2 cores deliver. */
async function runConcurrent(
  name: string,
  copies: number,
  timeoutMs: number,
): Promise<CaseOutcome> {
  const base = name.replace(/-x\d+$/, '');
  const results = await Promise.all(
    Array.from({ length: copies }, () => runChild(base, timeoutMs)),
  );
  const rates = results.map((r) => r.imagesPerSecond);
  if (results.some((r) => r.status !== 'ok') || rates.some((r) => r === undefined)) {
    return {
      case: name,
      status: 'error',
      reason: results.map((r) => r.reason ?? r.status).join('; '),
    };
  }
  const total = rates.reduce((sum: number, r) => sum + (r ?? 0), 0);
  return {
    case: name,
    status: 'ok',
    preset: results[0]?.preset,
    phase: results[0]?.phase,
    imagesPerSecond: round(total),
    perProcess: rates,
    processes: copies,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function ratio(value: number, reference: number): number {
  return Math.round((value / reference) * 1000) / 1000;
}

/**
 * Training rows as GFLOP/s (img/s × FLOPs per image) and as a fraction of the SIMD GEMM's GFLOP/s in the
 * same run: how far each case is from what 128-bit wasm SIMD gives on one core here.
 */
function addGemmPeakFractions(outcomes: CaseOutcome[]): void {
  const peak = outcomes.find((o) => o.case === 'simd-gemm-peak' && o.status === 'ok')?.gflops;
  for (const o of outcomes) {
    const flops = o.trainingFlopsPerImage;
    if (o.status !== 'ok' || typeof flops !== 'number' || o.imagesPerSecond === undefined) continue;
    const gflops = (o.imagesPerSecond * flops) / 1e9;
    o.gflops = Math.round(gflops * 10) / 10;
    if (typeof peak === 'number') o.fractionOfGemmPeak = ratio(gflops, peak);
  }
}

/** A case that runs here (a paired case), bounded by its timeout: then its processes are stopped. */
async function runInProcess(definition: BenchCase): Promise<CaseOutcome> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), definition.timeoutMs);
  try {
    const result = await definition.run(stop.signal);
    return { case: definition.name, ...result };
  } catch (error) {
    const reason = stop.signal.aborted
      ? `took over ${definition.timeoutMs / 1000}s`
      : error instanceof Error
        ? error.message
        : String(error);
    return { case: definition.name, status: 'error', reason };
  } finally {
    clearTimeout(timer);
  }
}

const args = process.argv.slice(2);
const caseIndex = args.indexOf('--case');
const roundsIndex = args.indexOf('--rounds');
const againstIndex = args.indexOf('--against');
const against = againstIndex >= 0 ? args[againstIndex + 1] : undefined;
const caseNames = args.filter(
  (a, i) => !a.startsWith('--') && !(againstIndex >= 0 && i === againstIndex + 1),
);
if (roundsIndex >= 0) {
  await serveRounds(args[roundsIndex + 1] ?? '');
  process.exit(0);
} else if (caseIndex >= 0) {
  await runOne(args[caseIndex + 1] ?? '');
  process.exit(0);
} else if (againstIndex >= 0) {
  if (against === undefined || against.startsWith('--')) {
    console.error('usage: bench/run.ts --against <git revision> [case …]');
    process.exit(2);
  }
  // Before against after: only the paired cases against that revision, in a file of their own.
  let tree: RevisionTree;
  try {
    tree = checkoutRevision(findRepoRoot(), against);
  } catch (error) {
    console.error(`bench --against: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  // An interrupted comparison still removes its worktree.
  const interrupted = () => {
    tree.remove();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    await runAll(caseNames, revisionCases(tree), 'revision-results.json');
  } finally {
    tree.remove();
  }
} else {
  await runAll(caseNames);
}
