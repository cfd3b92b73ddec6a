import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodePngRgb,
  GRAD_CAM_GALLERY_SIZE,
  gradCamFileSchema,
  buildModel,
  disposeConvlabModel,
  evaluateModel,
  initBackend,
  loadDataset,
  loadLayersModelFrom,
  readCheckpointEpoch,
  resolveRunConfig,
  trainRun,
  type EpochMetrics,
  type LoadedDataset,
  type RunConfig,
  type TrainProgress,
} from '../../src/index.ts';

let workDir: string;
let dataset: LoadedDataset;

beforeAll(async () => {
  await initBackend('wasm');
  workDir = await mkdtemp(path.join(tmpdir(), 'convlab-train-'));
  // 10 synthetic shapes × colours: 450 train / 150 val / 150 test.
  dataset = await loadDataset('synthetic', {
    seed: 1,
    validationSplit: 0.25,
    trainLimit: 600,
    testLimit: 150,
  });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function tinyConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return resolveRunConfig({ preset: 'tiny-cnn', epochs: 3, ...overrides });
}

const comparable = (e: EpochMetrics) => [
  e.epoch,
  e.phase,
  e.loss,
  e.acc,
  e.valLoss,
  e.valAcc,
  e.lr,
];

describe('trainRun', { timeout: 120_000 }, () => {
  let uninterrupted: EpochMetrics[] = [];

  it('learns, reports, saves the model and leaks no tensors', async () => {
    const runDir = path.join(workDir, 'learn');
    const before = tf.memory().numTensors;
    const seen: EpochMetrics[] = [];
    const progress: TrainProgress[] = [];
    const result = await trainRun(tinyConfig(), {
      dataset,
      runDir,
      onProgress: (p) => void progress.push(p),
      onEpoch: async (metrics) => {
        await Promise.resolve();
        seen.push(metrics);
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    uninterrupted = result.epochs;
    expect(result.stopped).toBe(false);
    expect(seen).toEqual(result.epochs);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(result.epochs.every((e) => e.phase === 'train' && e.lr === 3e-3)).toBe(true);
    const last = result.epochs.at(-1);
    // 10 classes: chance is 0.1.
    expect(last?.valAcc).toBeGreaterThan(0.35);
    expect(last?.loss).toBeLessThan(result.epochs[0]?.loss ?? 0);
    expect(result.paramCount).toBe(34_522);
    // Throttled to about one a second, but the first batch always reports.
    expect(progress[0]).toMatchObject({ epoch: 1, totalEpochs: 3, batch: 1, totalBatches: 15 });
    expect(progress[0]?.etaSeconds).toBeGreaterThan(0);
    // One phase: the ETA covers all of it.
    expect(progress.every((p) => !p.etaLowerBound)).toBe(true);
    // Where the time went: every part measured, the images per second of training time.
    const { timing } = result;
    expect(timing.phases).toEqual([
      expect.objectContaining({ phase: 'train', epochs: 3, images: 3 * dataset.train.count }),
    ]);
    expect(timing.seconds.training).toBeGreaterThan(0);
    expect(timing.seconds.validation).toBeGreaterThan(0);
    expect(timing.seconds.evaluation).toBeGreaterThan(0);
    expect(timing.seconds.loading).toBeGreaterThan(0);
    expect(timing.imagesPerSecond).toBeCloseTo(
      (3 * dataset.train.count) / timing.seconds.training,
      6,
    );
    expect(timing.seconds.training).toBeLessThanOrEqual(result.trainSeconds);
    const report = result.report;
    expect(report?.testAcc).toBeGreaterThan(0.35);
    expect(report?.classNames).toEqual(dataset.classNames);
    expect(report?.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(dataset.test.count);
    expect(report?.perClass).toHaveLength(10);
    expect(report?.misclassified.length).toBeGreaterThan(0);
    expect(report?.overfittingGap).toBeCloseTo(
      Math.max(...result.epochs.map((e) => e.acc)) -
        Math.max(...result.epochs.map((e) => e.valAcc)),
      12,
    );
    expect(existsSync(path.join(runDir, 'report.json'))).toBe(true);
    expect(await readCheckpointEpoch(runDir)).toBe(3);

    // The gallery's heatmaps, stored beside the report: the predicted and the true class of each of
    // the most confident mistakes, at the input's resolution, with the image as the dataset stores it.
    const gradCam = gradCamFileSchema.parse(
      JSON.parse(await readFile(path.join(runDir, 'grad-cam.json'), 'utf8')),
    );
    const shown = report?.misclassified.slice(0, GRAD_CAM_GALLERY_SIZE) ?? [];
    expect(gradCam).toMatchObject({ layer: 'conv2', width: 32, height: 32 });
    expect(gradCam.entries.map((e) => e.index)).toEqual(shown.map((m) => m.index));
    for (const entry of gradCam.entries) {
      expect(entry.maps.map((m) => m.label)).toEqual([entry.predictedLabel, entry.trueLabel]);
      expect(Buffer.from(entry.maps[0]!.heatmap, 'base64')).toHaveLength(32 * 32);
      expect(decodePngRgb(Buffer.from(entry.image, 'base64'))).toMatchObject({
        width: 32,
        height: 32,
      });
    }

    // The saved model is a plain tfjs model that scores the same on the test set.
    const saved = await loadLayersModelFrom(path.join(runDir, 'model'));
    const evaluation = await evaluateModel(saved, dataset.test, { inputSize: 32, scaling: 'unit' });
    expect(evaluation.acc).toBeCloseTo(report?.testAcc ?? -1, 10);
    saved.dispose();
  });

  it('is reproducible: the same seed gives the same metrics, another seed does not', async () => {
    const again = await trainRun(tinyConfig({ epochs: 1 }), {
      dataset,
      runDir: path.join(workDir, 'again'),
    });
    expect(comparable(again.epochs[0] as EpochMetrics)).toEqual(
      comparable(uninterrupted[0] as EpochMetrics),
    );
    const other = await trainRun(tinyConfig({ epochs: 1, seed: 7 }), {
      dataset,
      runDir: path.join(workDir, 'other-seed'),
    });
    expect(other.epochs[0]?.loss).not.toBe(uninterrupted[0]?.loss);
  });

  it('stops between batches when asked, then resumes from the checkpoint with identical metrics', async () => {
    const runDir = path.join(workDir, 'resume');
    let batchesIntoEpoch2 = 0;
    let epochsDone = 0;
    const stopped = await trainRun(tinyConfig(), {
      dataset,
      runDir,
      onEpoch: () => void epochsDone++,
      shouldStop: () => epochsDone === 1 && ++batchesIntoEpoch2 > 5,
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.report).toBeNull();
    expect(stopped.epochs).toHaveLength(1);
    expect(await readCheckpointEpoch(runDir)).toBe(1);
    expect(existsSync(path.join(runDir, 'model'))).toBe(false);

    const before = tf.memory().numTensors;
    const resumed = await trainRun(tinyConfig(), { dataset, runDir, resume: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.stopped).toBe(false);
    expect(resumed.epochs.map(comparable)).toEqual(uninterrupted.map(comparable));
    // The first attempt's epoch counts in the timing: all 3 epochs' images, across the attempts.
    expect(resumed.timing.phases[0]?.images).toBe(3 * dataset.train.count);
    expect(resumed.timing.seconds.training).toBeGreaterThan(stopped.timing.seconds.training);
  });

  it('early stopping ends the run and restores the best epoch’s weights', async () => {
    const runDir = path.join(workDir, 'early');
    // A far too high learning rate makes validation accuracy fall after its peak.
    const config = tinyConfig({ epochs: 8, earlyStoppingPatience: 1, learningRate: 0.05 });
    const result = await trainRun(config, { dataset, runDir });
    const valAccs = result.epochs.map((e) => e.valAcc);
    const best = Math.max(...valAccs);
    expect(result.epochs.length).toBeLessThan(8);
    expect(result.bestEpoch).toBe(valAccs.indexOf(best) + 1);
    expect(result.epochs.at(-1)?.valAcc).toBeLessThanOrEqual(best);
    // The final model is the best epoch's: it scores that epoch's validation accuracy.
    const saved = await loadLayersModelFrom(path.join(runDir, 'model'));
    const val = await evaluateModel(saved, dataset.val, { inputSize: 32, scaling: 'unit' });
    expect(val.acc).toBeCloseTo(best, 10);
    saved.dispose();
  });

  it('trains cnn-plus v1 (batch norm, dropout, augmentation) without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const config = {
      ...resolveRunConfig({
        preset: 'cnn-plus',
        epochs: 1,
        trainLimit: 600,
        batchSize: 64,
        learningRate: 1e-3,
        optimizer: 'adam',
        lrSchedule: 'constant',
        dropout: 0.3,
        augmentation: 'affine',
      }),
      presetVersion: 1,
    };
    const small = { ...dataset, train: { ...dataset.train, count: 128 } };
    const result = await trainRun(config, { dataset: small, runDir: path.join(workDir, 'plus') });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.paramCount).toBe(815_914);
    expect(Number.isFinite(result.epochs[0]?.loss)).toBe(true);
    expect(result.report?.testAcc).toBeGreaterThanOrEqual(0);
  });

  it('trains cnn-plus v2: whitening from the data, one-cycle rates, learns, resumes identically', async () => {
    const before = tf.memory().numTensors;
    // 450 images: batch 32 (not 256) for enough steps, the rate scaled with it.
    const config = resolveRunConfig({
      preset: 'cnn-plus',
      epochs: 3,
      batchSize: 32,
      learningRate: 0.05,
      dataset: 'synthetic',
    });
    const runDir = path.join(workDir, 'plus-v2');
    let epochsDone = 0;
    const stopped = await trainRun(config, {
      dataset,
      runDir,
      onEpoch: () => void epochsDone++,
      shouldStop: () => epochsDone === 2,
    });
    expect(stopped.stopped).toBe(true);
    const result = await trainRun(config, { dataset, runDir, resume: true });
    expect(tf.memory().numTensors).toBe(before);
    const [first, second, third] = result.epochs;
    // One-cycle: the rate rises for the first quarter of the steps, then falls towards 0.
    expect(first!.lr).toBeGreaterThan(third!.lr);
    expect(second!.lr).toBeLessThan(config.learningRate);
    expect(third!.lr).toBeLessThan(0.05 * config.learningRate);
    expect(result.epochs.map(comparable).slice(0, 2)).toEqual(stopped.epochs.map(comparable));
    // Learning happened: well above chance (10%) on held-out images after 3 short epochs.
    expect(result.report!.testAcc).toBeGreaterThan(0.4);
    expect(third!.valAcc).toBeGreaterThan(first!.valAcc - 0.05);

    // The stem holds whitening filters from the training images, not its random init: on those images
    // its outputs are decorrelated, and the ± pairs are exact negatives.
    const saved = await loadLayersModelFrom(path.join(runDir, 'model'));
    const [kernel] = saved.getLayer('whiten').getWeights();
    const w = kernel!.arraySync() as number[][][][];
    expect(w[0]![0]![0]![0]).toBeCloseTo(-w[0]![0]![0]![12]!, 6);
    const fresh = await buildModel(config, 10);
    expect(fresh.model.getLayer('whiten').getWeights()[0]!.dataSync()[0]).not.toBeCloseTo(
      w[0]![0]![0]![0]!,
      3,
    );
    disposeConvlabModel(fresh);
    saved.dispose();
  });
});
