/** The bench cases. Each runs in a fresh child process (see run.ts) and returns one result object. */
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
  fuseBackbone,
  loadMobileNetV2,
  prepareFineTuning,
  resolveRunConfig,
} from '@convlab/core';
import { findRepoRoot, sharedAssetsDir } from '@convlab/core/paths';
import { registerFastWasmKernels } from '../../../packages/core/src/backend/wasm-kernels/index.ts';
import { makeConv2DBackpropFilter } from '../../../packages/core/src/backend/wasm-kernels/conv2d-backprop.ts';
import { loadMobileNet, mobileNetDir, runFused } from './mobilenet.ts';
import { buildSeedCnn, randomBatch } from './seed-cnn.ts';
import { percentile, rate, rates, timeSteps } from './timing.ts';

export interface BenchResult {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  imagesPerSecond?: number;
  [detail: string]: unknown;
}

export interface BenchCase {
  name: string;
  timeoutMs: number;
  /** Run this many copies of the case named without the `-xN` suffix at once and add their rates. */
  concurrent?: number;
  run: () => Promise<BenchResult>;
}

async function useWasm(fastKernels: boolean): Promise<string[]> {
  await tf.setBackend('wasm');
  await tf.ready();
  if (fastKernels) return registerFastWasmKernels();
  // "As shipped" plus the one kernel training cannot run without (the reference row did the same).
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropFilter(tf.getKernel('Conv2D', 'wasm').kernelFunc),
  });
  return ['Conv2DBackpropFilter'];
}

async function trainSeedCnn(
  batch: number,
  opts: { warmup: number; minSteps: number; minMs: number },
) {
  const model = await buildSeedCnn();
  const { x, y } = randomBatch(batch);
  const timing = await timeSteps(async () => {
    await model.trainOnBatch(x, y);
  }, opts);
  return { batch, ...rates(batch, timing) };
}

async function seedCnnTrainWasm(fast: boolean): Promise<BenchResult> {
  const kernels = await useWasm(fast);
  const batch = fast ? 128 : 32;
  const result = fast
    ? await trainSeedCnn(batch, { warmup: 3, minSteps: 8, minMs: 8000 })
    : await trainSeedCnn(batch, { warmup: 1, minSteps: 2, minMs: 0 });
  return { status: 'ok', backend: 'wasm', kernels, ...result };
}

async function seedCnnTrainCpu(): Promise<BenchResult> {
  await tf.setBackend('cpu');
  const result = await trainSeedCnn(4, { warmup: 0, minSteps: 1, minMs: 0 });
  return {
    status: 'ok',
    backend: 'cpu',
    note: 'one step at batch 4, no warm-up (pure-JS backend)',
    ...result,
  };
}

async function seedCnnInferWasm(): Promise<BenchResult> {
  await useWasm(true);
  const model = await buildSeedCnn();
  const { x } = randomBatch(128);
  const timing = await timeSteps(
    () => tf.tidy(() => void (model.predict(x) as tf.Tensor).dataSync()),
    {
      warmup: 2,
      minSteps: 10,
      minMs: 4000,
    },
  );
  return {
    status: 'ok',
    backend: 'wasm',
    batch: 128,
    ...rates(128, timing),
  };
}

async function mobileNetFeatures(inputSize: number): Promise<BenchResult> {
  const dir = mobileNetDir(sharedAssetsDir());
  if (!existsSync(path.join(dir, 'model.json'))) {
    return { status: 'skipped', reason: `no model at ${dir}` };
  }
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

/** transfer-plus's fine-tune phase as core builds it: 96 px, last 20 backbone layers trainable. */
async function transferPlusFineTune(): Promise<BenchResult> {
  const dir = mobileNetDir(sharedAssetsDir());
  if (!existsSync(path.join(dir, 'model.json'))) {
    return { status: 'skipped', reason: `no model at ${dir}` };
  }
  const kernels = await useWasm(true);
  const config = resolveRunConfig({ preset: 'transfer-plus', weightsUrl: dir });
  const built = await buildModel(config, 10);
  prepareFineTuning(
    built,
    config.fineTuneLayers,
    config.learningRate * config.fineTuneLearningRateFactor,
  );
  const batch = config.batchSize;
  const { x, y } = randomBatch(batch, config.inputSize);
  const timing = await timeSteps(
    async () => {
      await built.model.trainOnBatch(x, y);
    },
    { warmup: 2, minSteps: 3, minMs: 5000 },
  );
  return {
    status: 'ok',
    backend: 'wasm',
    kernels,
    batch,
    trainableLayers: config.fineTuneLayers,
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
  const dir = path.join(findRepoRoot(), 'data', 'datasets', 'cifar10', 'cifar-10-batches-bin');
  const files = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
  if (!files.every((f) => existsSync(path.join(dir, f))))
    return { status: 'skipped', reason: `no CIFAR-10 at ${dir}` };
  if (process.env.BENCH_SKIP_EPOCH === '1')
    return { status: 'skipped', reason: 'BENCH_SKIP_EPOCH=1' };
  const kernels = await useWasm(true);
  const { images, labels } = readCifarBatches(dir, files);
  const trainCount = Math.round(labels.length * 0.9); // seed-cnn's validationSplit 0.1
  const model = await buildSeedCnn();
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

const PYTORCH_SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'pytorch_seed_cnn.py',
);

/** The first Python that has torch: $BENCH_PYTHON, python3 on PATH, then Debian's /usr/bin/python3. */
function pythonWithTorch(): string | null {
  const candidates = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  return (
    candidates.find((python) => spawnSync(python, ['-c', 'import torch']).status === 0) ?? null
  );
}

function pytorchSeedCnn(): Promise<BenchResult> {
  const python = pythonWithTorch();
  if (!python)
    return Promise.resolve({ status: 'skipped', reason: 'no python3 with torch installed' });
  const run = spawnSync(python, [PYTORCH_SCRIPT], { encoding: 'utf8', timeout: 240_000 });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) {
    return Promise.resolve({
      status: 'error',
      reason: run.stderr.trim().split('\n').at(-1) ?? 'no output',
    });
  }
  const r = JSON.parse(line) as Record<string, number | string>;
  return Promise.resolve({ status: 'ok', imagesPerSecond: r.train1Thread as number, ...r });
}

export const CASES: BenchCase[] = [
  { name: 'seed-cnn-train-wasm-fast', timeoutMs: 90_000, run: () => seedCnnTrainWasm(true) },
  {
    name: 'seed-cnn-train-wasm-fast-x2',
    timeoutMs: 120_000,
    concurrent: 2,
    run: () => seedCnnTrainWasm(true),
  },
  { name: 'seed-cnn-train-wasm-stock', timeoutMs: 90_000, run: () => seedCnnTrainWasm(false) },
  { name: 'seed-cnn-train-cpu', timeoutMs: 90_000, run: seedCnnTrainCpu },
  { name: 'seed-cnn-infer-wasm', timeoutMs: 60_000, run: seedCnnInferWasm },
  { name: 'mobilenet-v2-features-32', timeoutMs: 90_000, run: () => mobileNetFeatures(32) },
  { name: 'mobilenet-v2-features-96', timeoutMs: 90_000, run: () => mobileNetFeatures(96) },
  { name: 'transfer-plus-fine-tune', timeoutMs: 120_000, run: transferPlusFineTune },
  { name: 'queue-claim-latency', timeoutMs: 120_000, run: queueClaimLatency },
  { name: 'pytorch-seed-cnn', timeoutMs: 260_000, run: pytorchSeedCnn },
  { name: 'cifar10-epoch-seed-cnn', timeoutMs: 420_000, run: cifar10Epoch },
];
