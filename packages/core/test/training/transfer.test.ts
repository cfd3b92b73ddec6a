import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initBackend,
  loadDataset,
  localMobileNetV2Dir,
  phaseRatesFrom,
  resolveRunConfig,
  trainRun,
  type EpochMetrics,
  type LoadedDataset,
  type RunConfigInput,
  type RunTiming,
  type TrainProgress,
} from '../../src/index.ts';

const haveAssets = existsSync(localMobileNetV2Dir('mobilenet_v2_0.35'));
if (!haveAssets) {
  console.warn(
    `skipping transfer training tests: no weights at ${localMobileNetV2Dir('mobilenet_v2_0.35')}`,
  );
}

let workDir: string;
let dataset: LoadedDataset;

beforeAll(async () => {
  await initBackend('wasm');
  workDir = await mkdtemp(path.join(tmpdir(), 'convlab-transfer-'));
  dataset = await loadDataset('synthetic', {
    seed: 2,
    validationSplit: 0.25,
    trainLimit: 320,
    testLimit: 100,
  });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

// The small real backbone at its smallest input keeps this fast; dropout 0 keeps it deterministic.
const transferInput: RunConfigInput = {
  preset: 'transfer-plus',
  backbone: 'mobilenet_v2_0.35',
  inputSize: 32,
  dropout: 0,
  epochs: 2,
  fineTuneEpochs: 2,
  fineTuneLayers: 10,
  batchSize: 32,
  earlyStoppingPatience: 0,
  // The mechanics under test, at fixed rates: 1e-3 frozen, 1e-4 fine-tuning.
  lrSchedule: 'constant',
  fineTuneLearningRateFactor: 0.1,
  labelSmoothing: 0,
};

const comparable = (e: EpochMetrics) => [
  e.epoch,
  e.phase,
  e.loss,
  e.acc,
  e.valLoss,
  e.valAcc,
  e.lr,
];

describe.skipIf(!haveAssets)('transfer learning runs', { timeout: 120_000 }, () => {
  let uninterrupted: EpochMetrics[] = [];
  let firstTiming: RunTiming | undefined;

  it('trains a frozen phase on cached features, then fine-tunes at the lower rate', async () => {
    const before = tf.memory().numTensors;
    const result = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir: path.join(workDir, 'full'),
    });
    expect(tf.memory().numTensors).toBe(before);
    uninterrupted = result.epochs;
    expect(result.epochs.map((e) => [e.epoch, e.phase, e.lr])).toEqual([
      [1, 'frozen', 1e-3],
      [2, 'frozen', 1e-3],
      [3, 'fine-tune', 1e-4],
      [4, 'fine-tune', 1e-4],
    ]);
    expect(result.report?.testAcc).toBeGreaterThan(0);
    expect(result.epochs.every((e) => Number.isFinite(e.valLoss))).toBe(true);
    // Each phase has its own speed; caching the features took time of its own.
    expect(result.timing.phases.map((p) => [p.phase, p.epochs])).toEqual([
      ['frozen', 2],
      ['fine-tune', 2],
    ]);
    expect(result.timing.seconds.caching).toBeGreaterThan(0);
    firstTiming = result.timing;
  });

  it('gives an ETA for the whole run: a lower bound until fine-tuning has a known speed', async () => {
    const withoutRates: TrainProgress[] = [];
    await trainRun(resolveRunConfig({ ...transferInput, fineTuneEpochs: 1 }), {
      dataset,
      runDir: path.join(workDir, 'eta-unknown'),
      onProgress: (p) => void withoutRates.push(p),
    });
    const frozen = (progress: TrainProgress[]) =>
      progress.filter((p) => p.stage === 'train' && p.epoch <= 2);
    // Before fine-tuning, nothing knows how fast it goes: the ETA says it leaves it out.
    expect(frozen(withoutRates).every((p) => p.etaLowerBound)).toBe(true);
    expect(withoutRates.filter((p) => p.epoch === 3).every((p) => !p.etaLowerBound)).toBe(true);

    const withRates: TrainProgress[] = [];
    const rates = phaseRatesFrom(firstTiming ? [firstTiming] : []);
    expect(rates['fine-tune']).toBeGreaterThan(0);
    await trainRun(resolveRunConfig({ ...transferInput, fineTuneEpochs: 1 }), {
      dataset,
      runDir: path.join(workDir, 'eta-known'),
      onProgress: (p) => void withRates.push(p),
      phaseRates: rates,
    });
    // The same moment of the run: the fine-tune epoch to come is in the ETA, at its measured speed.
    const first = frozen(withRates)[0];
    expect(first?.etaLowerBound).toBe(false);
    const fineTuneSeconds = (rates['fine-tune'] ?? 0) * dataset.train.count;
    expect(first?.etaSeconds).toBeGreaterThanOrEqual(fineTuneSeconds);
  });

  it('resumes in the fine-tuning phase with identical metrics', async () => {
    const runDir = path.join(workDir, 'resume');
    let epochsDone = 0;
    const stopped = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir,
      onEpoch: () => void epochsDone++,
      shouldStop: () => epochsDone === 3,
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.epochs).toHaveLength(3);
    const resumed = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir,
      resume: true,
    });
    expect(resumed.epochs.map(comparable)).toEqual(uninterrupted.map(comparable));
  });

  it('fine-tunes on the cached trunk with exactly the metrics of fine-tuning the whole network', async () => {
    const progress: TrainProgress[] = [];
    const logs: string[] = [];
    const cached = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir: path.join(workDir, 'cached'),
      onProgress: (p) => void progress.push(p),
      log: { info: (message) => void logs.push(message) },
    });
    const uncached = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir: path.join(workDir, 'uncached'),
      trunkCache: false,
    });
    expect(cached.epochs.map(comparable)).toEqual(uncached.epochs.map(comparable));
    expect(cached.report?.testAcc).toBe(uncached.report?.testAcc);
    expect(logs.some((m) => /^cached trunk of \d+ train images as float32/.test(m))).toBe(true);
    // Caching reports its progress through the same channel as batches, ending at all images done.
    const trunkTrain = progress.filter(
      (p) => p.stage === 'cache' && p.cache === 'trunk' && p.set === 'train',
    );
    expect(trunkTrain.at(-1)).toMatchObject({
      imagesDone: dataset.train.count,
      imagesTotal: dataset.train.count,
    });
    expect(progress.some((p) => p.stage === 'train')).toBe(true);
  });

  it('stores a cache as float16 when float32 would exceed the budget, and refuses beyond', async () => {
    const logs: string[] = [];
    const config = resolveRunConfig({ ...transferInput, epochs: 1, fineTuneEpochs: 1 });
    // 1280 pooled features per image fit only as float16; the [1×1×56] trunk fits as float32.
    const rows = dataset.train.count + dataset.val.count;
    const result = await trainRun(config, {
      dataset,
      runDir: path.join(workDir, 'half'),
      cacheBudgetBytes: rows * 1280 * 3,
      log: { info: (message) => void logs.push(message) },
    });
    expect(logs.some((m) => /^cached features of \d+ train images as float16/.test(m))).toBe(true);
    expect(logs.some((m) => /^cached trunk of \d+ train images as float32/.test(m))).toBe(true);
    expect(result.epochs[0]?.valAcc).toBeGreaterThan(0);
    await expect(
      trainRun(config, { dataset, runDir: path.join(workDir, 'refused'), cacheBudgetBytes: 1000 }),
    ).rejects.toThrow(/CONVLAB_CACHE_BUDGET_MB/);
  });

  it('computes features on the fly when augmenting', async () => {
    const result = await trainRun(
      resolveRunConfig({ ...transferInput, augment: true, epochs: 1, fineTuneEpochs: 0 }),
      { dataset, runDir: path.join(workDir, 'augment') },
    );
    expect(result.epochs.map((e) => e.phase)).toEqual(['frozen']);
    expect(result.report).not.toBeNull();
  });

  it('a stop request during feature extraction ends the run without leaking', async () => {
    const before = tf.memory().numTensors;
    const result = await trainRun(resolveRunConfig(transferInput), {
      dataset,
      runDir: path.join(workDir, 'stop-early'),
      shouldStop: () => true,
    });
    expect(result).toMatchObject({ stopped: true, epochs: [], report: null, bestEpoch: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
