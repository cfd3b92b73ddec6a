/**
 * The cases of the GPU check (gpu-check.ts): the webgpu backend (Dawn) trains what convlab trains, with
 * the training loop, checkpoints, the activation caches and evaluation, and matches the wasm backend
 * from the same weights. The throughput cases time real CIFAR-10 batches. Each case returns its details
 * or throws with the reason.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  activateBackend,
  buildModel,
  cacheActivations,
  disposeConvlabModel,
  epochBatchIndices,
  fineTunePlan,
  gatherRows,
  gradCam,
  initBackend,
  isSoftwareAdapter,
  labelTargets,
  loadDataset,
  localMobileNetV2Dir,
  makeBatch,
  mulberry32,
  planTrunkCache,
  prepareFineTuning,
  resolveRunConfig,
  trainingImageBatch,
  trainRun,
  webGpuAdapter,
  type ConvlabModel,
  type EpochMetrics,
  type ImageSet,
  type RunConfig,
  type RunConfigInput,
} from '@convlab/core';
import { writeBackboneFixture } from './backbone-fixture.ts';
import { rates, timeSteps } from './timing.ts';

export type CaseDetails = Record<string, unknown>;

export interface CheckOptions {
  /** Fail when the adapter is a software one (a maintainer's GPU machine). */
  requireGpu: boolean;
  /** Scratch folder for run folders and the backbone fixture. */
  workDir: string;
}

/** How far webgpu's first losses may be from wasm's (float32 sums in another order). */
export const LOSS_TOLERANCE = 1e-3;

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

/** Selects webgpu as the trainer would with CONVLAB_BACKEND=webgpu and describes the adapter. */
export async function backendCase(options: CheckOptions): Promise<CaseDetails> {
  const selection = await initBackend('webgpu');
  check(tf.getBackend() === 'webgpu', `the current backend is ${tf.getBackend()}, not webgpu`);
  const adapter = await webGpuAdapter();
  const software = isSoftwareAdapter(adapter);
  if (options.requireGpu)
    check(!software, `${selection.device ?? 'the adapter'} is a software adapter, not a GPU`);
  return { backend: selection.backend, device: selection.device, software, adapter };
}

/** Tensors alive now, to compare before and after a case (and between its epochs). */
const liveTensors = () => tf.memory().numTensors;

/**
 * tiny-cnn trains 2 epochs on synthetic: the first in one trainRun that stops at epoch 1 (checkpoint),
 * the second resumed from that checkpoint. Learning means the loss fell and test accuracy is well above
 * chance; no tensors outlive the runs, and none pile up between epochs.
 */
export async function tinyCnnCase(options: CheckOptions): Promise<CaseDetails> {
  const dataset = await loadDataset('synthetic', {
    seed: 1,
    validationSplit: 0.25,
    trainLimit: 400,
    testLimit: 100,
  });
  const config = resolveRunConfig({ preset: 'tiny-cnn', dataset: 'synthetic', epochs: 2, seed: 1 });
  const runDir = path.join(options.workDir, 'tiny-cnn');
  const before = liveTensors();
  const tensorsAtEpoch: number[] = [];
  const epochs: EpochMetrics[] = [];
  const onEpoch = (metric: EpochMetrics) => {
    epochs.push(metric);
    tensorsAtEpoch.push(liveTensors());
  };
  const first = await trainRun(config, { dataset, runDir, stopAfterEpoch: 1, onEpoch });
  check(first.reachedEpochLimit, 'the first part did not stop at its epoch limit');
  const resumed = await trainRun(config, { dataset, runDir, resume: true, onEpoch });
  const after = liveTensors();
  const [epoch1, epoch2] = epochs;
  check(epoch1 !== undefined && epoch2 !== undefined, `expected 2 epochs, got ${epochs.length}`);
  const testAcc = resumed.report?.testAcc ?? 0;
  const details = {
    losses: epochs.map((e) => round(e.loss)),
    valAcc: epochs.map((e) => round(e.valAcc, 4)),
    testAcc: round(testAcc, 4),
    epochSeconds: epochs.map((e) => round(e.seconds, 2)),
    tensorsAtEpoch,
    tensorsBefore: before,
    tensorsAfter: after,
  };
  check(epoch2.loss < epoch1.loss, `the loss did not fall: ${JSON.stringify(details.losses)}`);
  check(testAcc > 0.2, `test accuracy ${testAcc} is not above twice chance (0.1)`);
  check(after === before, `${after - before} tensors leaked across the runs`);
  check(
    tensorsAtEpoch[0] === tensorsAtEpoch[1],
    `tensors grew between epochs: ${tensorsAtEpoch.join(' → ')}`,
  );
  return details;
}

type ModelWeights = { values: Float32Array; shape: number[] }[];

/** Gives the model `weights` (when set) and returns the weights it holds, to give another backend's. */
async function sameWeights(
  model: tf.LayersModel,
  weights: ModelWeights | null,
): Promise<ModelWeights> {
  if (weights) {
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
  return Promise.all(
    model
      .getWeights()
      .map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })),
  );
}

/** The first `steps` training losses of `config`'s model from `weights`, on `backend`. */
async function firstLosses(
  backend: 'wasm' | 'webgpu',
  config: RunConfig,
  set: ImageSet,
  weights: ModelWeights | null,
  steps: number,
): Promise<{ losses: number[]; weights: ModelWeights }> {
  await activateBackend(backend);
  const built = await buildModel(config, set.numClasses);
  try {
    const model = built.model;
    const initial = await sameWeights(model, weights);
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      const indices = Int32Array.from(
        { length: config.batchSize },
        (_, i) => step * config.batchSize + i,
      );
      const { xs, ys } = makeBatch(set, indices, {
        inputSize: built.inputSize,
        scaling: built.inputScaling,
        channels: 3,
      });
      const [loss = NaN] = (await model.trainOnBatch(xs, ys)) as number[];
      tf.dispose([xs, ys]);
      losses.push(loss);
    }
    return { losses, weights: initial };
  } finally {
    disposeConvlabModel(built);
  }
}

/**
 * A seed-cnn-shaped model (seed-cnn without dropout, whose masks are not seeded) trains 3 steps on wasm,
 * then on webgpu from the same initial weights and batches: the losses agree within LOSS_TOLERANCE.
 */
export async function seedCnnMatchesWasmCase(): Promise<CaseDetails> {
  const steps = 3;
  const config = resolveRunConfig({ preset: 'seed-cnn', dataset: 'synthetic', dropout: 0 });
  const { train } = await loadDataset('synthetic', {
    seed: 3,
    validationSplit: 0.25,
    trainLimit: steps * config.batchSize * 2,
    testLimit: 10,
  });
  const before = liveTensors();
  try {
    const wasm = await firstLosses('wasm', config, train, null, steps);
    const webgpu = await firstLosses('webgpu', config, train, wasm.weights, steps);
    const maxDifference = Math.max(...wasm.losses.map((l, i) => Math.abs(l - webgpu.losses[i]!)));
    const details = {
      batch: config.batchSize,
      wasm: wasm.losses.map((l) => round(l)),
      webgpu: webgpu.losses.map((l) => round(l)),
      maxDifference: Number(maxDifference.toExponential(2)),
      tolerance: LOSS_TOLERANCE,
    };
    check(
      webgpu.losses.every(Number.isFinite) && maxDifference <= LOSS_TOLERANCE,
      `webgpu's losses differ from wasm's: ${JSON.stringify(details)}`,
    );
    check(liveTensors() === before, `${liveTensors() - before} tensors leaked`);
    return details;
  } finally {
    await activateBackend('webgpu');
  }
}

/** How far webgpu's Grad-CAM maps (0–1) may be from wasm's. */
export const GRAD_CAM_TOLERANCE = 1e-4;

/** Grad-CAM maps of `count` test images for `config`'s model from `weights`, on `backend`. */
async function gradCamMaps(
  backend: 'wasm' | 'webgpu',
  config: RunConfig,
  set: ImageSet,
  weights: ModelWeights | null,
  weightsUrl: string | undefined,
): Promise<{ maps: Float32Array[]; weights: ModelWeights }> {
  await activateBackend(backend);
  const built = await buildModel(config, set.numClasses, { weightsUrl });
  try {
    const model = built.model;
    const initial = await sameWeights(model, weights);
    const count = Math.min(8, set.count);
    const { xs, ys } = makeBatch(
      set,
      Int32Array.from({ length: count }, (_, i) => i),
      {
        inputSize: built.inputSize,
        scaling: built.inputScaling,
        channels: 3,
      },
    );
    ys.dispose();
    const classes = Array.from({ length: count }, (_, i) => set.labels[i] ?? 0);
    const { maps } = await gradCam(model, xs, classes);
    xs.dispose();
    return { maps, weights: initial };
  } finally {
    disposeConvlabModel(built);
  }
}

/**
 * Grad-CAM gives the same maps on webgpu as on wasm, from the same weights: seed-cnn, and transfer-plus
 * on the shared MobileNetV2 (or the fixture) at 96 px.
 */
export async function gradCamMatchesWasmCase(options: CheckOptions): Promise<CaseDetails> {
  const backbone = await testBackbone(options.workDir);
  const { test } = await loadDataset('synthetic', {
    seed: 4,
    validationSplit: 0.25,
    trainLimit: 40,
    testLimit: 8,
  });
  const before = liveTensors();
  const details: Record<string, number | string> = {};
  const presets: RunConfigInput[] = [{ preset: 'seed-cnn', dataset: 'synthetic' }];
  // The fixture's random weights give near-empty MobileNetV2 maps whose scaling to 0–1 magnifies
  // float noise: the transfer comparison needs the pretrained backbone.
  if (backbone.pretrained)
    presets.push({
      preset: 'transfer-plus',
      dataset: 'synthetic',
      backbone: 'mobilenet_v2_0.35',
      // 96 px gives a 3×3 map (at 32 px it is 1×1: a constant map agrees trivially).
      inputSize: 96,
    });
  else details.transferPlus = 'skipped: no pretrained MobileNetV2 weights (shared assets)';
  try {
    for (const input of presets) {
      const config = resolveRunConfig(input);
      const url = config.backbone ? backbone.url : undefined;
      const wasm = await gradCamMaps('wasm', config, test, null, url);
      const webgpu = await gradCamMaps('webgpu', config, test, wasm.weights, url);
      let maxDifference = 0;
      wasm.maps.forEach((map, i) =>
        map.forEach((value, p) => {
          maxDifference = Math.max(maxDifference, Math.abs(value - (webgpu.maps[i]?.[p] ?? NaN)));
        }),
      );
      details[`${config.preset}MaxDifference`] = Number(maxDifference.toExponential(2));
      // Maps that are all 0 would agree trivially.
      const withEvidence = wasm.maps.filter((map) => map.some((v) => v > 0)).length;
      details[`${config.preset}MapsWithEvidence`] = withEvidence;
      check(withEvidence > 0, `${config.preset}: every Grad-CAM map is empty`);
      check(
        maxDifference <= GRAD_CAM_TOLERANCE,
        `${config.preset}: webgpu's Grad-CAM maps differ from wasm's by ${maxDifference}`,
      );
    }
    check(liveTensors() === before, `${liveTensors() - before} tensors leaked`);
    return { ...details, tolerance: GRAD_CAM_TOLERANCE, backbone: backbone.kind };
  } finally {
    await activateBackend('webgpu');
  }
}

/** A tfjs LayersModel folder of a backbone: the shared assets' 0.35 one, else the fixture. */
async function testBackbone(
  workDir: string,
): Promise<{ url: string; kind: string; layers: number; pretrained: boolean }> {
  const assets = localMobileNetV2Dir('mobilenet_v2_0.35');
  if (existsSync(path.join(assets, 'model.json')))
    return {
      url: assets,
      kind: 'mobilenet_v2_0.35 (pretrained, shared assets)',
      layers: 10,
      pretrained: true,
    };
  const url = path.join(workDir, 'backbone-fixture');
  await writeBackboneFixture(url);
  return { url, kind: 'MobileNetV2-shaped fixture (random weights)', layers: 8, pretrained: false };
}

/**
 * transfer-plus as the trainer runs it, small: features cached, a frozen epoch on the head, the trunk
 * cached, a fine-tune epoch on the layers above it, then the test evaluation. No tensors leak.
 */
export async function transferPlusFineTuneCase(options: CheckOptions): Promise<CaseDetails> {
  const backbone = await testBackbone(options.workDir);
  const dataset = await loadDataset('synthetic', {
    seed: 2,
    validationSplit: 0.25,
    trainLimit: 160,
    testLimit: 64,
  });
  const config = resolveRunConfig({
    preset: 'transfer-plus',
    dataset: 'synthetic',
    backbone: 'mobilenet_v2_0.35',
    inputSize: 32,
    epochs: 1,
    fineTuneEpochs: 1,
    fineTuneLayers: backbone.layers,
    batchSize: 32,
    dropout: 0,
    earlyStoppingPatience: 0,
  } satisfies RunConfigInput);
  const before = liveTensors();
  const stages = new Set<string>();
  const result = await trainRun(config, {
    dataset,
    runDir: path.join(options.workDir, 'transfer-plus'),
    model: { weightsUrl: backbone.url },
    onProgress: (progress) => void stages.add(progress.stage),
  });
  const after = liveTensors();
  const phases = result.epochs.map((e) => e.phase);
  const details = {
    backbone: backbone.kind,
    phases,
    losses: result.epochs.map((e) => round(e.loss)),
    epochSeconds: result.epochs.map((e) => round(e.seconds, 2)),
    stagesSeen: [...stages],
    testAcc: round(result.report?.testAcc ?? NaN, 4),
    tensorsBefore: before,
    tensorsAfter: after,
  };
  check(
    phases.join(',') === 'frozen,fine-tune',
    `expected a frozen and a fine-tune epoch: ${JSON.stringify(details)}`,
  );
  check(
    result.epochs.every((e) => Number.isFinite(e.loss)),
    'a loss is not finite',
  );
  check(result.report !== null, 'no report');
  check(after === before, `${after - before} tensors leaked`);
  return details;
}

// ── Throughput on real CIFAR-10 batches ──────────────────────────────────────────────────────────

async function cifar10Train(count: number): Promise<ImageSet> {
  try {
    const dataset = await loadDataset('cifar10', { seed: 1, validationSplit: 0.1 });
    check(dataset.train.count >= count, `CIFAR-10 has only ${dataset.train.count} train images`);
    return dataset.train;
  } catch (error) {
    throw new Error(
      `CIFAR-10 is needed for the throughput cases (convlab data fetch cifar10): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/** Prebuilt training batches of real images, made as the trainer makes them (augmented when the preset is). */
function trainingBatches(set: ImageSet, config: RunConfig, built: ConvlabModel, batches: number) {
  const rng = mulberry32(5);
  const batchOptions = {
    inputSize: built.inputSize,
    scaling: built.inputScaling,
    channels: 3 as const,
  };
  const all = [
    ...epochBatchIndices(set.count, { batchSize: config.batchSize, shuffle: true, rng }),
  ];
  return all
    .slice(0, batches)
    .map((indices) => trainingImageBatch(set, indices, batchOptions, config, rng, null));
}

const TIMING = { warmup: 3, minSteps: 20, minMs: 8000 };

/** trainOnBatch over prebuilt batches in turn (it awaits the loss, so each step has finished). */
function timeTraining(model: tf.LayersModel, batches: { xs: tf.Tensor; ys: tf.Tensor }[]) {
  let step = 0;
  return timeSteps(async () => {
    const batch = batches[step++ % batches.length]!;
    await model.trainOnBatch(batch.xs, batch.ys);
  }, TIMING);
}

type Throughput = CaseDetails & { imagesPerSecond: number };

/**
 * A throughput case on webgpu, then the same case on wasm in this process (the same host, the same
 * run): how much the GPU path buys over the CPU one here.
 */
export async function againstWasm(measure: () => Promise<Throughput>): Promise<CaseDetails> {
  const webgpu = await measure();
  await activateBackend('wasm');
  try {
    const wasm = await measure();
    return {
      ...webgpu,
      wasmImagesPerSecond: wasm.imagesPerSecond,
      speedupOverWasm: round(webgpu.imagesPerSecond / wasm.imagesPerSecond, 2),
    };
  } finally {
    await activateBackend('webgpu');
  }
}

/** Train img/s of a CNN preset at its batch size: steps on prebuilt CIFAR-10 batches. */
export async function cnnThroughputCase(preset: 'seed-cnn' | 'cnn-plus'): Promise<Throughput> {
  const config = resolveRunConfig({ preset, dataset: 'cifar10' });
  const set = await cifar10Train(config.batchSize * 8);
  const built = await buildModel(config, set.numClasses);
  const batches = trainingBatches(set, config, built, 8);
  try {
    const timing = await timeTraining(built.model, batches);
    return { preset, phase: 'train', batch: config.batchSize, ...rates(config.batchSize, timing) };
  } finally {
    for (const batch of batches) tf.dispose([batch.xs, batch.ys]);
    disposeConvlabModel(built);
  }
}

/**
 * transfer-plus's fine-tune phase as the trainer runs it (MobileNetV2 1.0 at 96×96, the trunk below the
 * fine-tuned layers cached): train img/s on cached trunk rows of real CIFAR-10 images.
 */
export async function transferPlusThroughputCase(): Promise<Throughput> {
  const config = resolveRunConfig({ preset: 'transfer-plus', dataset: 'cifar10' });
  const lr = fineTunePlan(config)?.learningRate;
  check(lr !== undefined, 'transfer-plus does not fine-tune');
  const images = config.batchSize * 8;
  const set = await cifar10Train(images);
  const built = await buildModel(config, set.numClasses);
  try {
    const trunk = planTrunkCache(built, config.fineTuneLayers, config.augment);
    check(trunk !== null, 'transfer-plus has no trunk cut');
    prepareFineTuning(built, config.fineTuneLayers, config.optimizer, lr, trunk.predictions);
    const cacheStarted = performance.now();
    const rows = await cacheActivations(
      trunk.split.trunk,
      images,
      config.batchSize,
      (indices) =>
        makeBatch(set, indices, {
          inputSize: built.inputSize,
          scaling: built.inputScaling,
          channels: 3,
        }).xs,
      'float32',
    );
    const cacheSeconds = (performance.now() - cacheStarted) / 1000;
    const batches = [
      ...epochBatchIndices(images, { batchSize: config.batchSize, shuffle: false }),
    ].map((indices) => ({
      xs: gatherRows(rows, indices),
      ys: tf.tensor2d(labelTargets(set, indices, config.labelSmoothing), [
        indices.length,
        set.numClasses,
      ]),
    }));
    try {
      const timing = await timeTraining(trunk.predictions, batches);
      return {
        preset: 'transfer-plus',
        phase: 'fine-tune',
        backbone: config.backbone,
        inputSize: config.inputSize,
        trainableLayers: config.fineTuneLayers,
        cutShape: trunk.split.cutShape,
        trunkCacheImagesPerSecond: Math.round(images / cacheSeconds),
        batch: config.batchSize,
        ...rates(config.batchSize, timing),
      };
    } finally {
      for (const batch of batches) tf.dispose([batch.xs, batch.ys]);
      trunk.predictions.optimizer?.dispose();
    }
  } finally {
    disposeConvlabModel(built);
  }
}

export async function makeWorkDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'convlab-gpu-check-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
