/**
 * The bench cases. Each runs in a fresh child process (see run.ts) and returns one result object; every
 * training case names the `preset` and `phase` it measures, as the trainer would run them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type * as DbModule from '@convlab/db';
import '@tensorflow/tfjs-backend-wasm';
import {
  buildModel,
  fineTunePlan,
  fuseBackbone,
  loadMobileNetV2,
  planTrunkCache,
  prepareFineTuning,
  resolveRunConfig,
  type RunConfig,
} from '@convlab/core';
import { datasetsDir, sharedAssetsDir } from '@convlab/core/paths';
import {
  fastKernelsSimdVariant,
  makeConv2DBackpropFilter,
  registerFastWasmKernels,
} from '@convlab/core/testing';
import { findPostgresBin, startThrowawayPostgres } from '@convlab/db/testing';
import { benchEnv, pytorchProcessEnv } from './env.ts';
import { loadMobileNet, mobileNetDir, runFused } from './mobilenet-reference.ts';
import { trainingFlopsPerImage } from './flops.ts';
import { gradCamCase } from './grad-cam-timing.ts';
import { labReportCase } from './lab-report-timing.ts';
import { randomBatch } from './random-batch.ts';
import { percentile, rate, rates, timeSteps } from './timing.ts';

export interface BenchResult {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  imagesPerSecond?: number;
  preset?: string;
  phase?: string;
  [detail: string]: unknown;
}

export interface BenchCase {
  name: string;
  timeoutMs: number;
  /** Run this many copies of the case named without the `-xN` suffix at once and add their rates. */
  concurrent?: number;
  /** Runs in the bench's own process (a paired case starts the processes it compares). */
  inProcess?: boolean;
  /** `signal` (in-process cases) aborts at the timeout: the case stops what it started. */
  run: (signal?: AbortSignal) => Promise<BenchResult>;
}

export async function useWasm(fastKernels: boolean): Promise<string[]> {
  await tf.setBackend('wasm');
  await tf.ready();
  if (fastKernels) return registerFastWasmKernels();
  // "As shipped" plus the one kernel training cannot run without (the reference row did the same).
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropFilter(tf.getKernel('Conv2D', 'wasm').kernelFunc, null),
  });
  return ['Conv2DBackpropFilter'];
}

/** A preset's model as the trainer builds it (10 classes), and its resolved config. */
export async function presetModel(preset: RunConfig['preset'], overrides: Partial<RunConfig> = {}) {
  const config = resolveRunConfig({ preset, ...overrides });
  return { config, built: await buildModel(config, 10) };
}

/** Train img/s of a CNN preset at its own batch size, on random 32×32 images. */
async function trainCnn(
  preset: 'seed-cnn' | 'cnn-plus',
  fast: boolean,
  opts = { warmup: 3, minSteps: 8, minMs: 8000 },
): Promise<BenchResult> {
  const kernels = await useWasm(fast);
  const { config, built } = await presetModel(preset);
  const batch = fast ? config.batchSize : 32;
  const { x, y } = randomBatch(batch);
  const timing = await timeSteps(async () => {
    await built.model.trainOnBatch(x, y);
  }, opts);
  return {
    status: 'ok',
    preset,
    phase: 'train',
    backend: 'wasm',
    kernels,
    batch,
    trainingFlopsPerImage: trainingFlopsPerImage(built.model),
    ...rates(batch, timing),
  };
}

async function seedCnnTrainCpu(): Promise<BenchResult> {
  await tf.setBackend('cpu');
  const { built } = await presetModel('seed-cnn');
  const { x, y } = randomBatch(4);
  const timing = await timeSteps(
    async () => {
      await built.model.trainOnBatch(x, y);
    },
    { warmup: 0, minSteps: 1, minMs: 0 },
  );
  return {
    status: 'ok',
    preset: 'seed-cnn',
    phase: 'train',
    backend: 'cpu',
    note: 'one step at batch 4, no warm-up (pure-JS backend)',
    batch: 4,
    ...rates(4, timing),
  };
}

async function seedCnnInferWasm(): Promise<BenchResult> {
  await useWasm(true);
  const { built } = await presetModel('seed-cnn');
  const { x } = randomBatch(128);
  const timing = await timeSteps(
    () => tf.tidy(() => void (built.model.predict(x) as tf.Tensor).dataSync()),
    { warmup: 2, minSteps: 10, minMs: 4000 },
  );
  return {
    status: 'ok',
    preset: 'seed-cnn',
    phase: 'inference',
    backend: 'wasm',
    batch: 128,
    ...rates(128, timing),
  };
}

export function noWeights(): BenchResult | null {
  const dir = mobileNetDir(sharedAssetsDir());
  return existsSync(path.join(dir, 'model.json'))
    ? null
    : { status: 'skipped', reason: `no MobileNetV2 weights at ${dir}` };
}

/** Frozen MobileNetV2-1.0 feature extraction: what caching features (and the trunk) costs per image. */
async function mobileNetFeatures(inputSize: number): Promise<BenchResult> {
  const skip = noWeights();
  if (skip) return skip;
  const dir = mobileNetDir(sharedAssetsDir());
  await useWasm(true);
  const { model, topology } = await loadMobileNet(dir, inputSize);
  const loaded = await loadMobileNetV2({ backbone: 'mobilenet_v2_1.0', url: dir, inputSize });
  const zoo = fuseBackbone(loaded);
  const batch = inputSize <= 32 ? 128 : 32;
  const x = tf.randomUniform<tf.Rank.R4>([batch, inputSize, inputSize, 3], -1, 1);
  const opts = { warmup: 1, minSteps: 3, minMs: 4000 };
  const predict = (m: tf.LayersModel) => () =>
    tf.tidy(() => void (m.predict(x) as tf.Tensor).dataSync());
  const zooTiming = await timeSteps(predict(zoo), opts);
  const layers = await timeSteps(predict(model), opts);
  const fused = await timeSteps(
    () => tf.tidy(() => void runFused(model, topology, x).dataSync()),
    opts,
  );
  const diff = tf.tidy(() => {
    const reference = model.predict(x) as tf.Tensor;
    const maxDiff = (t: tf.Tensor) => tf.max(tf.abs(tf.sub(reference, t))).dataSync()[0];
    return {
      zoo: maxDiff(zoo.predict(x) as tf.Tensor),
      fused: maxDiff(runFused(model, topology, x)),
    };
  });
  return {
    status: 'ok',
    preset: inputSize === 96 ? 'transfer-plus' : 'seed-transfer',
    phase: 'cache',
    backend: 'wasm',
    inputSize,
    batch,
    ...rates(batch, zooTiming),
    layersModelImagesPerSecond: rate(batch, layers),
    fusedRunnerImagesPerSecond: rate(batch, fused),
    maxAbsDiffToLayersModel: diff,
    note:
      "imagesPerSecond: core's loadMobileNetV2 + fuseBackbone (what training uses); layersModel: the " +
      'asset loaded as is (relu6 activations); fusedRunner: tf.fused.conv2d with ReLU6 in the kernel',
  };
}

/**
 * GFLOP/s of the SIMD GEMM (BatchMatMul) on square products and on the shapes convolutions become: the
 * best of them is the most the fast kernels reach on this machine, against which each training case's
 * GFLOP/s is read (fractionOfGemmPeak in results.json).
 */
async function simdGemmPeak(): Promise<BenchResult> {
  const kernels = await useWasm(true);
  const shapes = [
    [512, 512, 512],
    [768, 768, 768],
    [8192, 288, 64], // seed-cnn conv2 forward: (16·16·32 images) × 3·3·32 → 64
    [2048, 576, 96], // a MobileNetV2 1×1 projection at batch 64
    [576, 960, 160],
  ] as const;
  const byShape: Record<string, number> = {};
  for (const [m, k, n] of shapes) {
    const [a, b] = [tf.randomNormal([m, k]), tf.randomNormal([k, n])];
    const timing = await timeSteps(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), {
      warmup: 2,
      minSteps: 5,
      minMs: 1200,
    });
    tf.dispose([a, b]);
    byShape[`${m}x${k}x${n}`] =
      Math.round((2 * m * k * n * timing.steps) / timing.wallMs / 1e5) / 10;
  }
  return {
    status: 'ok',
    backend: 'wasm',
    kernels,
    simd: fastKernelsSimdVariant(),
    gflops: Math.max(...Object.values(byShape)),
    gflopsByShape: byShape,
    note: 'GFLOP/s by wall time, result read back included; gflops is the best shape',
  };
}

/** transfer-plus as the trainer builds it, with the shared assets' weights. */
async function transferPlus() {
  const dir = mobileNetDir(sharedAssetsDir());
  return presetModel('transfer-plus', { weightsUrl: dir });
}

/** One frozen-phase epoch: the head trained on 45,000 cached feature rows, then 5,000 validated. */
async function transferPlusFrozenEpoch(): Promise<BenchResult> {
  const skip = noWeights();
  if (skip) return skip;
  const kernels = await useWasm(true);
  const { config, built } = await transferPlus();
  const head = built.transfer?.head;
  if (!head || !built.transfer) throw new Error('transfer-plus has no head');
  const [train, val, batch] = [45_000, 5_000, config.batchSize];
  const features = tf.randomUniform([train, built.transfer.featureSize], 0, 6);
  const labels = tf.oneHot(tf.randomUniform([train], 0, 10, 'int32'), 10).toFloat();
  const start = performance.now();
  for (let from = 0; from < train; from += batch) {
    const n = Math.min(batch, train - from);
    const [xs, ys] = [features.slice(from, n), labels.slice(from, n)];
    await head.trainOnBatch(xs, ys);
    tf.dispose([xs, ys]);
  }
  const trainSeconds = (performance.now() - start) / 1000;
  tf.tidy(
    () => void (head.predict(features.slice(0, val), { batchSize: 128 }) as tf.Tensor).dataSync(),
  );
  const epochSeconds = (performance.now() - start) / 1000;
  return {
    status: 'ok',
    preset: 'transfer-plus',
    phase: 'frozen',
    backend: 'wasm',
    kernels,
    batch,
    trainImages: train,
    imagesPerSecond: Math.round((train / trainSeconds) * 10) / 10,
    epochSeconds: Math.round(epochSeconds * 100) / 100,
    note: 'head (GAP features → dropout → dense) on cached features; feature caching is mobilenet-v2-features-96',
  };
}

/** transfer-plus's fine-tune phase: on the cached trunk (the default), or through the whole network. */
async function transferPlusFineTune(cached: boolean): Promise<BenchResult> {
  const skip = noWeights();
  if (skip) return skip;
  const kernels = await useWasm(true);
  const { config, built } = await transferPlus();
  const lr = fineTunePlan(config)?.learningRate;
  if (lr === undefined) throw new Error(`${config.preset} does not fine-tune`);
  const trunk = cached ? planTrunkCache(built, config.fineTuneLayers, config.augment) : null;
  if (cached && !trunk) throw new Error('transfer-plus has no trunk cut');
  const model = trunk ? trunk.predictions : built.model;
  prepareFineTuning(built, config.fineTuneLayers, config.optimizer, lr, model);
  const batch = config.batchSize;
  const shape = trunk ? trunk.split.cutShape : [config.inputSize, config.inputSize, 3];
  const x = tf.randomUniform([batch, ...shape], 0, 1);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat();
  const timing = await timeSteps(
    async () => {
      await model.trainOnBatch(x, y);
    },
    cached ? { warmup: 3, minSteps: 20, minMs: 6000 } : { warmup: 2, minSteps: 3, minMs: 5000 },
  );
  return {
    status: 'ok',
    preset: 'transfer-plus',
    phase: 'fine-tune',
    backend: 'wasm',
    kernels,
    batch,
    trunkCache: cached,
    trainableLayers: config.fineTuneLayers,
    ...(trunk ? { cutShape: trunk.split.cutShape } : {}),
    trainingFlopsPerImage: trainingFlopsPerImage(model),
    ...rates(batch, timing),
  };
}

async function queueClaimLatency(): Promise<BenchResult> {
  let db: typeof DbModule;
  try {
    db = await import('@convlab/db');
  } catch (error) {
    return {
      status: 'skipped',
      reason: `@convlab/db not importable: ${String(error).slice(0, 200)}`,
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'convlab-bench-'));
  const url = `file:${path.join(dir, 'bench.db')}`;
  try {
    await db.applyMigrations(url);
    const client = db.createDb({ url });
    const worker = await db.registerWorker(client, {
      host: 'bench',
      pid: process.pid,
      backend: 'wasm',
      concurrency: 1,
      version: 'bench',
    });
    const claims = 1000;
    for (let i = 0; i < claims; i++) {
      await db.enqueueRun(client, {
        config: { preset: 'tiny-cnn', dataset: 'synthetic' },
        priority: i % 7,
      });
    }
    const latencies: number[] = [];
    for (let i = 0; i < claims; i++) {
      const start = performance.now();
      const run = await db.claimNextRun(client, { workerId: worker.id, leaseMs: 60_000 });
      latencies.push(performance.now() - start);
      if (!run) throw new Error(`queue empty after ${i} claims`);
    }
    await client.$disconnect();
    latencies.sort((a, b) => a - b);
    const ms = (v: number) => Math.round(v * 1000) / 1000;
    return {
      status: 'ok',
      claims,
      p50Ms: ms(percentile(latencies, 50)),
      p99Ms: ms(percentile(latencies, 99)),
      maxMs: ms(latencies.at(-1)!),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Claim latency on PostgreSQL (issue target: p99 < 20 ms) with 4 claimers at once, each its own
 * client and connection pool, draining 10,000 queued runs from a throwaway local server. Also checks
 * that no run was claimed twice.
 */
async function queueClaimLatencyPostgres(): Promise<BenchResult> {
  if (!findPostgresBin()) return { status: 'skipped', reason: 'no PostgreSQL server binaries' };
  const db = await import('@convlab/db');
  const server = await startThrowawayPostgres();
  try {
    const url = new URL(server.url);
    url.pathname = '/bench';
    const admin = db.createDb({ url: server.url });
    await admin.$executeRawUnsafe('CREATE DATABASE bench');
    await admin.$disconnect();
    await db.applyMigrations(url.toString());
    const seed = db.createDb({ url: url.toString() });
    const worker = await db.registerWorker(seed, {
      host: 'bench',
      pid: process.pid,
      backend: 'wasm',
      concurrency: 4,
      version: 'bench',
    });
    const queued = 10_000;
    const template = await db.enqueueRun(seed, { config: { preset: 'tiny-cnn' } });
    await seed.run.delete({ where: { id: template.id } });
    const { id: _id, createdAt: _createdAt, ...fields } = template;
    const start = Date.now();
    for (let i = 0; i < queued; i += 1000) {
      await seed.run.createMany({
        data: Array.from({ length: Math.min(1000, queued - i) }, (_, j) => ({
          ...fields,
          id: db.newRunId(),
          priority: (i + j) % 7,
          createdAt: new Date(start + i + j),
        })),
      });
    }
    await seed.$disconnect();
    const claimers = 4;
    const latencies: number[] = [];
    const claimed: string[] = [];
    const began = performance.now();
    await Promise.all(
      Array.from({ length: claimers }, async () => {
        const client = db.createDb({ url: url.toString() });
        for (;;) {
          const t = performance.now();
          const run = await db.claimNextRun(client, { workerId: worker.id, leaseMs: 60_000 });
          if (!run) break;
          latencies.push(performance.now() - t);
          claimed.push(run.id);
        }
        await client.$disconnect();
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    if (claimed.length !== queued || new Set(claimed).size !== queued)
      throw new Error(`claimed ${claimed.length} (${new Set(claimed).size} distinct) of ${queued}`);
    latencies.sort((a, b) => a - b);
    const ms = (v: number) => Math.round(v * 1000) / 1000;
    return {
      status: 'ok',
      claimers,
      queued,
      doubleClaims: 0,
      claimsPerSecond: Math.round(queued / seconds),
      p50Ms: ms(percentile(latencies, 50)),
      p99Ms: ms(percentile(latencies, 99)),
      maxMs: ms(latencies.at(-1)!),
    };
  } finally {
    server.stop();
  }
}

/** CIFAR-10 binary batches: records of 1 label byte + 1024 R + 1024 G + 1024 B. */
function readCifarBatches(
  dir: string,
  files: string[],
): { images: Float32Array; labels: Int32Array } {
  const record = 3073;
  const buffers = files.map((f) => readFileSync(path.join(dir, f)));
  const count = buffers.reduce((n, b) => n + b.length / record, 0);
  const images = new Float32Array(count * 3072);
  const labels = new Int32Array(count);
  let i = 0;
  for (const buffer of buffers) {
    for (let r = 0; r < buffer.length / record; r++, i++) {
      const base = r * record;
      labels[i] = buffer[base]!;
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++)
          images[i * 3072 + p * 3 + c] = buffer[base + 1 + c * 1024 + p]! / 255;
      }
    }
  }
  return { images, labels };
}

async function cifar10Epoch(): Promise<BenchResult> {
  const dir = path.join(datasetsDir(), 'cifar10', 'cifar-10-batches-bin');
  const files = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  if (!files.every((f) => existsSync(path.join(dir, f))))
    return { status: 'skipped', reason: `no CIFAR-10 at ${dir}` };
  if (benchEnv().BENCH_SKIP_EPOCH === '1')
    return { status: 'skipped', reason: 'BENCH_SKIP_EPOCH=1' };
  const kernels = await useWasm(true);
  const { images, labels } = readCifarBatches(dir, files);
  const trainCount = Math.round(labels.length * 0.9); // seed-cnn's validationSplit 0.1
  const { built } = await presetModel('seed-cnn');
  const model = built.model;
  const batch = 128;
  const start = performance.now();
  let loss = 0;
  for (let from = 0; from < trainCount; from += batch) {
    const n = Math.min(batch, trainCount - from);
    const [x, y] = tf.tidy(() => [
      tf.tensor4d(images.subarray(from * 3072, (from + n) * 3072), [n, 32, 32, 3]),
      tf.oneHot(tf.tensor1d(labels.subarray(from, from + n), 'int32'), 10).toFloat(),
    ]);
    const out = await model.trainOnBatch(x, y);
    loss = Array.isArray(out) ? out[0]! : out;
    tf.dispose([x, y]);
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const xVal = tf.tensor4d(images.subarray(trainCount * 3072), [
    labels.length - trainCount,
    32,
    32,
    3,
  ]);
  const yVal = tf.tensor1d(labels.subarray(trainCount), 'int32');
  const accuracy = tf.tidy(() => {
    const predicted = (model.predict(xVal, { batchSize: 256 }) as tf.Tensor).argMax(-1);
    return predicted.equal(yVal).mean().dataSync()[0];
  });
  const epochSeconds = (performance.now() - start) / 1000;
  return {
    status: 'ok',
    preset: 'seed-cnn',
    phase: 'train',
    backend: 'wasm',
    kernels,
    trainImages: trainCount,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    epochSeconds: Math.round(epochSeconds * 10) / 10,
    imagesPerSecond: Math.round((trainCount / trainSeconds) * 10) / 10,
    lastBatchLoss: loss,
    validationAccuracy: accuracy,
  };
}

/** Reads `lscpu` once; the returned function gives one field's value. */
function lscpuFields(): (name: string) => string | null {
  const lines = (spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '').split('\n');
  return (name) =>
    lines
      .find((line) => line.startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim() ?? null;
}

/** This machine's CPU as lscpu names it: every figure says which CPU it came from. */
export function cpuDescription() {
  const field = lscpuFields();
  return { model: field('Model name'), family: field('CPU family'), modelNumber: field('Model') };
}

/** The processor, as lscpu names it, with its flags; the load when the bench started. */
function machine(): Promise<BenchResult> {
  return Promise.resolve({
    status: 'ok',
    ...cpuDescription(),
    cores: os.cpus().length,
    flags: lscpuFields()('Flags'),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    openblasEnvironment: {
      OPENBLAS_CORETYPE: benchEnv().OPENBLAS_CORETYPE ?? null,
      OPENBLAS_L2_SIZE: benchEnv().OPENBLAS_L2_SIZE ?? null,
    },
  });
}

export const PYTORCH_SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'pytorch_twins.py',
);

/** The first Python that has torch: $BENCH_PYTHON, python3 on PATH, then Debian's /usr/bin/python3. */
export function pythonWithTorch(): string | null {
  const candidates = [benchEnv().BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  return (
    candidates.find((python) => spawnSync(python, ['-c', 'import torch']).status === 0) ?? null
  );
}

/**
 * PyTorch's twins of seed-cnn and cnn-plus, 1 and 2 threads: absolute rates and the BLAS that ran, for
 * reference (the comparisons with convlab are the paired cases, paired-cases.ts). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set
 * on some processors here, make OpenBLAS use an older, slower kernel: they are removed for this command
 * alone, and the result names the OpenBLAS core that actually ran.
 */
function pytorchTwins(): Promise<BenchResult> {
  const python = pythonWithTorch();
  if (!python)
    return Promise.resolve({ status: 'skipped', reason: 'no python3 with torch installed' });
  const run = spawnSync(python, [PYTORCH_SCRIPT], {
    encoding: 'utf8',
    timeout: 300_000,
    env: pytorchProcessEnv(),
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) {
    return Promise.resolve({
      status: 'error',
      reason: run.stderr.trim().split('\n').at(-1) ?? 'no output',
    });
  }
  return Promise.resolve({ status: 'ok', ...(JSON.parse(line) as Record<string, unknown>) });
}

export const CASES: BenchCase[] = [
  { name: 'machine', timeoutMs: 10_000, run: machine },
  { name: 'simd-gemm-peak', timeoutMs: 60_000, run: simdGemmPeak },
  {
    name: 'seed-cnn-train-wasm-fast',
    timeoutMs: 90_000,
    run: () => trainCnn('seed-cnn', true),
  },
  {
    name: 'seed-cnn-train-wasm-fast-x2',
    timeoutMs: 120_000,
    concurrent: 2,
    run: () => trainCnn('seed-cnn', true),
  },
  {
    name: 'seed-cnn-train-wasm-stock',
    timeoutMs: 90_000,
    run: () => trainCnn('seed-cnn', false, { warmup: 1, minSteps: 2, minMs: 0 }),
  },
  { name: 'seed-cnn-train-cpu', timeoutMs: 90_000, run: seedCnnTrainCpu },
  { name: 'seed-cnn-infer-wasm', timeoutMs: 60_000, run: seedCnnInferWasm },
  {
    name: 'cnn-plus-train-wasm-fast',
    timeoutMs: 120_000,
    run: () => trainCnn('cnn-plus', true, { warmup: 2, minSteps: 6, minMs: 8000 }),
  },
  {
    name: 'cnn-plus-train-wasm-fast-x2',
    timeoutMs: 150_000,
    concurrent: 2,
    run: () => trainCnn('cnn-plus', true, { warmup: 2, minSteps: 6, minMs: 8000 }),
  },
  { name: 'mobilenet-v2-features-32', timeoutMs: 90_000, run: () => mobileNetFeatures(32) },
  { name: 'mobilenet-v2-features-96', timeoutMs: 90_000, run: () => mobileNetFeatures(96) },
  { name: 'transfer-plus-frozen-epoch', timeoutMs: 120_000, run: transferPlusFrozenEpoch },
  {
    name: 'transfer-plus-fine-tune-cached',
    timeoutMs: 120_000,
    run: () => transferPlusFineTune(true),
  },
  {
    name: 'transfer-plus-fine-tune-cached-x2',
    timeoutMs: 150_000,
    concurrent: 2,
    run: () => transferPlusFineTune(true),
  },
  {
    name: 'transfer-plus-fine-tune-uncached',
    timeoutMs: 120_000,
    run: () => transferPlusFineTune(false),
  },
  {
    name: 'grad-cam-seed-cnn-20',
    timeoutMs: 60_000,
    run: () => gradCamCase({ preset: 'seed-cnn' }, 2),
  },
  {
    name: 'grad-cam-transfer-plus-96-20',
    timeoutMs: 120_000,
    run: () =>
      gradCamCase({ preset: 'transfer-plus', backbone: 'mobilenet_v2_1.0', inputSize: 96 }, 5),
  },
  { name: 'lab-report-html-4-runs', timeoutMs: 120_000, run: labReportCase },
  { name: 'queue-claim-latency', timeoutMs: 120_000, run: queueClaimLatency },
  { name: 'queue-claim-latency-postgresql', timeoutMs: 180_000, run: queueClaimLatencyPostgres },
  { name: 'pytorch-twins', timeoutMs: 320_000, run: pytorchTwins },
  { name: 'cifar10-epoch-seed-cnn', timeoutMs: 420_000, run: cifar10Epoch },
];
