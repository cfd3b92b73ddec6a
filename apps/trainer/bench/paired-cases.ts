/**
 * The paired cases of `npm run bench`: convlab against its PyTorch twin (pytorch_twins.py), measured
 * with comparePaired (paired.ts) between two warm processes, so that a host's drift cannot pass for a
 * difference. They run in the bench's own process and start the processes they compare: convlab's
 * side is `run.ts --rounds <preset>-<phase>` (serveRounds below), one process per core compared.
 * `--against <revision>` compares this checkout with another revision the same way (revisionCases).
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { caseProcessEnv, pytorchProcessEnv } from './env.ts';
import {
  noWeights,
  presetModel,
  PYTORCH_SCRIPT,
  pythonWithTorch,
  useWasm,
  type BenchCase,
  type BenchResult,
} from './cases.ts';
import { comparePaired, median, together, type RoundSource } from './paired.ts';
import { randomBatch } from './random-batch.ts';
import type { RevisionTree } from './revision-tree.ts';
import { processRoundSource } from './round-source.ts';
import { timeSteps } from './timing.ts';
import {
  parseWorkerRounds,
  WORKER_TARGETS,
  workerRoundTimer,
  type WorkerTarget,
} from './worker-cases.ts';

const RUN_SCRIPT = fileURLToPath(new URL('./run.ts', import.meta.url));
/** A round lasts at least this long (and 2 steps), on both sides. */
const ROUND_MS = 3000;

type Preset = 'seed-cnn' | 'cnn-plus';
type Phase = 'train' | 'inference';

/** Sets up convlab's side of a comparison; the function it returns times one round (img/s). */
async function roundTimer(preset: Preset, phase: Phase): Promise<() => Promise<number>> {
  await useWasm(true);
  const { config, built } = await presetModel(preset);
  const batch = config.batchSize;
  const { x, y } = randomBatch(batch);
  const step =
    phase === 'train'
      ? async () => void (await built.model.trainOnBatch(x, y))
      : () => tf.tidy(() => void (built.model.predict(x) as tf.Tensor).dataSync());
  await step();
  return async () => {
    const timing = await timeSteps(step, { warmup: 0, minSteps: 2, minMs: ROUND_MS });
    return (batch * timing.steps * 1000) / timing.wallMs;
  };
}

/** `run.ts --rounds <preset>-<phase>`: READY, then one ROUND line per line read on stdin. */
export async function serveRounds(name: string): Promise<void> {
  const match = /^(seed-cnn|cnn-plus)-(train|inference)$/.exec(name);
  const workers = parseWorkerRounds(name);
  if (!match && !workers)
    throw new Error(
      `unknown rounds "${name}": <seed-cnn|cnn-plus>-<train|inference> or ` +
        '<seed-cnn|cnn-plus|transfer-plus-fine-tune>-train-w<workers>',
    );
  const round = workers
    ? await workerRoundTimer(workers.target, workers.workers, ROUND_MS)
    : await roundTimer(match?.[1] as Preset, match?.[2] as Phase);
  process.stdout.write('READY\n');
  for await (const line of createInterface({ input: process.stdin })) {
    void line;
    process.stdout.write(`ROUND ${JSON.stringify({ imagesPerSecond: await round() })}\n`);
  }
}

interface PairedSpec {
  preset: Preset;
  phase: Phase;
  /** convlab processes at once (one per core) against PyTorch with this many threads. */
  cores: 1 | 2;
}

/** A convlab round server: this checkout's bench, or another revision's (its run.ts). */
function convlabRounds(label: string, name: string, runScript = RUN_SCRIPT) {
  return processRoundSource(
    label,
    process.execPath,
    [...process.execArgv, runScript, '--rounds', name],
    caseProcessEnv(),
  );
}

/** Starts a comparison's sources in turn; when one fails to start, the ones already started stop. */
async function startSources(starters: (() => Promise<RoundSource>)[]): Promise<RoundSource[]> {
  const started: RoundSource[] = [];
  try {
    for (const start of starters) started.push(await start());
    return started;
  } catch (error) {
    await Promise.all(started.map((source) => source.close()));
    throw error;
  }
}

/** Runs comparePaired(a, b) and closes both (at once when `signal` aborts); `fields` name the case. */
async function pairedResult(
  a: RoundSource,
  b: RoundSource,
  fields: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<BenchResult> {
  const close = () => Promise.all([a.close(), b.close()]);
  const onAbort = () => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await comparePaired(a, b);
    return {
      status: 'ok',
      ...fields,
      paired: result.paired,
      warmupRounds: result.warmupRounds,
      warm: result.warm,
      imagesPerSecond: Math.round(median(result.a) * 10) / 10,
      peerImagesPerSecond: Math.round(median(result.b) * 10) / 10,
      rounds: { [a.label]: result.a, [b.label]: result.b },
      note: `ratio = ${a.label} / ${b.label} per interleaved round; img/s are medians, for reference only`,
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await close();
  }
}

async function pytorchCase(
  { preset, phase, cores }: PairedSpec,
  signal?: AbortSignal,
): Promise<BenchResult> {
  const python = pythonWithTorch();
  if (!python) return { status: 'skipped', reason: 'no python3 with torch installed' };
  const name = `${preset}-${phase}`;
  const threads = cores === 1 ? '1 thread' : `${cores} threads`;
  const [pytorch, ...processes] = await startSources([
    () =>
      processRoundSource(
        `PyTorch ${preset} ${phase}, ${threads}`,
        python,
        [PYTORCH_SCRIPT, '--rounds', preset, phase, String(cores)],
        pytorchProcessEnv(),
      ),
    ...Array.from({ length: cores }, () => () => convlabRounds(`convlab ${preset} ${phase}`, name)),
  ]);
  const convlab = together(`convlab ${preset} ${phase}, ${cores} process(es)`, processes);
  return pairedResult(
    convlab,
    pytorch!,
    { preset, phase, backend: 'wasm', processes: cores },
    signal,
  );
}

/** The paired cases against PyTorch, in the order the bench runs them. */
export const PAIRED_CASES: BenchCase[] = (
  [
    { preset: 'seed-cnn', phase: 'train', cores: 1 },
    { preset: 'seed-cnn', phase: 'train', cores: 2 },
    { preset: 'cnn-plus', phase: 'train', cores: 1 },
    { preset: 'cnn-plus', phase: 'train', cores: 2 },
    { preset: 'seed-cnn', phase: 'inference', cores: 1 },
  ] satisfies PairedSpec[]
).map((spec) => ({
  name: `${spec.preset}-${spec.phase}${spec.cores === 2 ? '-x2' : ''}-vs-pytorch`,
  timeoutMs: 15 * 60_000,
  inProcess: true,
  run: (signal?: AbortSignal) => pytorchCase(spec, signal),
}));

/** One run on 2 data-parallel workers against the same run on 1: two warm processes, interleaved. */
async function workersCase(target: WorkerTarget, signal?: AbortSignal): Promise<BenchResult> {
  if (target === 'transfer-plus-fine-tune') {
    const skip = noWeights();
    if (skip) return skip;
  }
  const [two, one] = await startSources([
    () => convlabRounds(`convlab ${target} train, 2 workers`, `${target}-train-w2`),
    () => convlabRounds(`convlab ${target} train, 1 worker`, `${target}-train-w1`),
  ]);
  return pairedResult(two!, one!, { target, phase: 'train', backend: 'wasm', workers: 2 }, signal);
}

/** One seed-cnn run on 2 workers (one process) against PyTorch's twin on 2 threads. */
async function workersVsPytorchCase(signal?: AbortSignal): Promise<BenchResult> {
  const python = pythonWithTorch();
  if (!python) return { status: 'skipped', reason: 'no python3 with torch installed' };
  const [convlab, pytorch] = await startSources([
    () => convlabRounds('convlab seed-cnn train, 1 run on 2 workers', 'seed-cnn-train-w2'),
    () =>
      processRoundSource(
        'PyTorch seed-cnn train, 2 threads',
        python,
        [PYTORCH_SCRIPT, '--rounds', 'seed-cnn', 'train', '2'],
        pytorchProcessEnv(),
      ),
  ]);
  return pairedResult(
    convlab!,
    pytorch!,
    { preset: 'seed-cnn', phase: 'train', backend: 'wasm', workers: 2, processes: 1 },
    signal,
  );
}

/** The data-parallel cases: each target 2 workers against 1, and seed-cnn on 2 against PyTorch. */
export const WORKER_PAIRED_CASES: BenchCase[] = [
  ...WORKER_TARGETS.map((target) => ({
    name: `${target}-train-2-workers-vs-1`,
    timeoutMs: 15 * 60_000,
    inProcess: true,
    run: (signal?: AbortSignal) => workersCase(target, signal),
  })),
  {
    name: 'seed-cnn-train-2-workers-vs-pytorch',
    timeoutMs: 15 * 60_000,
    inProcess: true,
    run: (signal?: AbortSignal) => workersVsPytorchCase(signal),
  },
];

/**
 * Before against after: this checkout against another revision checked out beside it
 * (revision-tree.ts), each preset's training and seed-cnn's inference, one process each.
 */
export function revisionCases(tree: RevisionTree): BenchCase[] {
  const specs: { preset: Preset; phase: Phase }[] = [
    { preset: 'seed-cnn', phase: 'train' },
    { preset: 'cnn-plus', phase: 'train' },
    { preset: 'seed-cnn', phase: 'inference' },
  ];
  const before = `${tree.revision} (${tree.commit.slice(0, 9)})`;
  return specs.map(({ preset, phase }) => ({
    name: `${preset}-${phase}-vs-revision`,
    timeoutMs: 15 * 60_000,
    inProcess: true,
    run: async (signal?: AbortSignal) => {
      const name = `${preset}-${phase}`;
      const [after, earlier] = await startSources([
        () => convlabRounds('this checkout', name),
        () =>
          convlabRounds(
            `convlab at ${before}`,
            name,
            path.join(tree.dir, 'apps/trainer/bench/run.ts'),
          ),
      ]);
      return pairedResult(
        after!,
        earlier!,
        { preset, phase, backend: 'wasm', processes: 1 },
        signal,
      );
    },
  }));
}
