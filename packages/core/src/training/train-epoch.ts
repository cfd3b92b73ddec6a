/**
 * One epoch of the training loop: the batch loop (seeded shuffle and augmentation, the learning-rate
 * schedule per step, a stop check between batches) and the validation that follows it.
 */
import * as tf from '@tensorflow/tfjs';
import { trainingDivergedMessage } from '../contracts/run-verdict.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { augmentPolicy } from '../data/augment.ts';
import { epochBatchIndices, labelTargets, makeBatch, type BatchOptions } from '../data/batch.ts';
import { deriveSeed, mulberry32 } from '../data/random.ts';
import type { ImageSet, LoadedDataset } from '../data/types.ts';
import type { ReplicaPool } from '../data-parallel/replica-pool.ts';
import {
  evaluateModel,
  predictInBatches,
  scoreProbabilities,
  type ParallelPredictor,
} from '../evaluation/evaluate.ts';
import { setLearningRate } from '../models/build.ts';
import { gatherRows, type ActivationCache } from './activation-cache.ts';
import type { PhaseInputs } from './phase-input-cache.ts';
import type { PhasePlan } from './phases.ts';
import type { ProgressReporter } from './progress.ts';
import { learningRateAt } from './schedule.ts';

export const EVAL_BATCH_SIZE = 128;

export interface EpochStep {
  config: RunConfig;
  plan: PhasePlan;
  /** 1-based, across phases. */
  epoch: number;
  /** 1-based, within the phase. */
  phaseEpoch: number;
  train: ImageSet;
  /** What the phase trains (compiled, with its optimizer). */
  model: tf.LayersModel;
  inputs: PhaseInputs;
  batchOptions: BatchOptions;
  /** The frozen feature extractor, when the phase trains only the head on images. */
  extractor: tf.LayersModel | null;
  progress: ProgressReporter;
  shouldStop?: () => boolean | Promise<boolean>;
  /** Data-parallel replicas sharing each step (the phase already begun on them); null: one worker. */
  replicas: ReplicaPool | null;
}

export interface EpochTraining {
  loss: number;
  acc: number;
  /** The learning rate of the epoch's last step. */
  lr: number;
}

/** Trains one epoch; null when a stop request landed between two batches. */
export async function trainEpoch(step: EpochStep): Promise<EpochTraining | null> {
  const { config, plan, train, model } = step;
  const optimizer = model.optimizer;
  const totalBatches = Math.ceil(train.count / config.batchSize);
  const phaseSteps = plan.epochs * totalBatches;
  const shuffleRng = mulberry32(deriveSeed(config.seed, `shuffle:${step.epoch}`));
  const augmentRng = mulberry32(deriveSeed(config.seed, `augment:${step.epoch}`));
  let lr = plan.learningRate;
  let lossSum = 0;
  let accSum = 0;
  let seen = 0;
  let batch = 0;
  for (const indices of epochBatchIndices(train.count, {
    batchSize: config.batchSize,
    shuffle: true,
    rng: shuffleRng,
  })) {
    if (await step.shouldStop?.()) return null;
    const batchStarted = performance.now();
    lr = learningRateAt(
      config.lrSchedule,
      plan.learningRate,
      (step.phaseEpoch - 1) * totalBatches + batch,
      phaseSteps,
    );
    if (config.lrSchedule !== 'constant') setLearningRate(optimizer, lr);
    const { xs, ys } = trainingBatch(step, indices, augmentRng);
    let result: number[];
    try {
      result = step.replicas
        ? await step.replicas.trainStep(xs, ys, config.lrSchedule !== 'constant' ? lr : null)
        : ((await model.trainOnBatch(xs, ys)) as number[]);
    } finally {
      tf.dispose([xs, ys]);
    }
    const [loss = NaN, acc = NaN] = result;
    if (!Number.isFinite(loss)) throw new Error(trainingDivergedMessage(loss, step.epoch));
    lossSum += loss * indices.length;
    accSum += acc * indices.length;
    seen += indices.length;
    batch++;
    await step.progress.onBatchEnd({
      phase: step.plan.phase,
      batch,
      totalBatches,
      ms: performance.now() - batchStarted,
      loss: lossSum / seen,
      acc: accSum / seen,
    });
  }
  return { loss: lossSum / seen, acc: accSum / seen, lr };
}

/** Validation loss and accuracy: on the cached rows when the phase has them, else on the images. */
export async function validateEpoch(
  step: Pick<EpochStep, 'model' | 'inputs' | 'batchOptions'>,
  fullModel: tf.LayersModel,
  dataset: LoadedDataset,
  parallel: ParallelPredictor | null = null,
): Promise<{ loss: number; acc: number }> {
  const rows = step.inputs.val;
  if (!rows) {
    return evaluateModel(fullModel, dataset.val, {
      ...step.batchOptions,
      batchSize: EVAL_BATCH_SIZE,
      parallel,
    });
  }
  const probs = await predictInBatches(
    step.model,
    dataset.val.count,
    EVAL_BATCH_SIZE,
    (indices) => gatherRows(rows, indices),
    undefined,
    parallel,
  );
  return scoreProbabilities(
    probs,
    dataset.val.labels.subarray(0, dataset.val.count),
    dataset.train.numClasses,
  );
}

/** A training batch: cached rows with their (smoothed) targets, or images. */
function trainingBatch(
  step: EpochStep,
  indices: Int32Array,
  augmentRng: () => number,
): { xs: tf.Tensor; ys: tf.Tensor } {
  const { train, config } = step;
  const rows: ActivationCache | null = step.inputs.train;
  if (rows) {
    return {
      xs: gatherRows(rows, indices),
      ys: tf.tensor2d(labelTargets(train, indices, config.labelSmoothing), [
        indices.length,
        train.numClasses,
      ]),
    };
  }
  return trainingImageBatch(train, indices, step.batchOptions, config, augmentRng, step.extractor);
}

/**
 * One training batch made from images (augmented when the config says so), passed through the frozen
 * feature extractor when the phase trains only the head.
 */
export function trainingImageBatch(
  set: ImageSet,
  indices: Int32Array,
  batchOptions: BatchOptions,
  config: RunConfig,
  augmentRng: () => number,
  extractor: tf.LayersModel | null,
): { xs: tf.Tensor; ys: tf.Tensor } {
  const made = makeBatch(set, indices, {
    ...batchOptions,
    labelSmoothing: config.labelSmoothing,
    ...(config.augment ? { augment: augmentPolicy(config.augmentation), rng: augmentRng } : {}),
  });
  if (!extractor) return made;
  const xs = tf.tidy(() => extractor.predict(made.xs) as tf.Tensor);
  made.xs.dispose();
  return { xs, ys: made.ys };
}
