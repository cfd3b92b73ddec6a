/**
 * `trainRun`: one training run, start to finish — build the model, train epoch by epoch with our own
 * batch loop (so a stop request lands between batches and shuffling/augmentation follow the run's
 * seed), validate, early-stop with best-weights restore, checkpoint every epoch, evaluate on the test
 * set and write the final model and report into the run's folder.
 *
 * Transfer presets train in two phases (see phases.ts): 'frozen' (only the head learns) and 'fine-tune'
 * (the last backbone layers unfrozen, a fresh optimizer at the lower rate). Without augmentation nothing
 * below the trained layers changes, so their output is computed once per image and cached: the pooled
 * features for the frozen phase, and — when fine-tuning follows — the trunk's output at the first
 * fine-tuned layer, from which both the features and the fine-tuning batches are made.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/schema.ts';
import { augmentPolicy } from '../data/augment.ts';
import { epochBatchIndices, labelTargets, makeBatch, type BatchOptions } from '../data/batch.ts';
import { deriveSeed, mulberry32 } from '../data/random.ts';
import type { ImageSet, LoadedDataset } from '../data/types.ts';
import {
  evaluateModel,
  PredictionStopped,
  predictInBatches,
  scoreProbabilities,
} from '../evaluation/evaluate.ts';
import {
  classificationReport,
  confusionMatrix,
  mostConfidentMisclassified,
  overfittingGap,
  type ClassScores,
  type PerClassScores,
} from '../evaluation/metrics.ts';
import {
  buildModel,
  disposeConvlabModel,
  prepareFineTuning,
  setLearningRate,
  type BuildModelOptions,
} from '../models/build.ts';
import { saveModelToDir } from '../models/file-io.ts';
import { initPatchWhitening } from '../models/patch-whitening.ts';
import {
  cachePrecision,
  DEFAULT_CACHE_BUDGET_BYTES,
  gatherRows,
  type ActivationCache,
} from './activation-cache.ts';
import { cacheActivations, planTrunkCache, type CacheKind, type TrunkPlan } from './caching.ts';
import {
  loadCheckpoint,
  restoreOptimizer,
  saveCheckpoint,
  type CheckpointState,
} from './checkpoint.ts';
import type { EpochMetrics, EpochPhase } from '../config/epoch-metrics.ts';
import { planPhases } from './phases.ts';
import { learningRateAt } from './schedule.ts';

export type { EpochPhase } from '../config/epoch-metrics.ts';

export type { EpochMetrics } from '../config/epoch-metrics.ts';

/** Live progress: a training batch, or images done while a cache is filled. */
export type TrainProgress =
  | {
      stage: 'train';
      epoch: number;
      totalEpochs: number;
      batch: number;
      totalBatches: number;
      etaSeconds: number;
      loss: number;
      acc: number;
    }
  | {
      stage: 'cache';
      /** What is being cached, and for which image set. */
      cache: CacheKind;
      set: 'train' | 'val';
      /** The epoch that starts once caching is done. */
      epoch: number;
      totalEpochs: number;
      imagesDone: number;
      imagesTotal: number;
      /** Until this cache is filled. */
      etaSeconds: number;
    };

export interface TrainReport {
  testLoss: number;
  testAcc: number;
  overfittingGap: number;
  classNames: string[];
  perClass: PerClassScores[];
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
  confusionMatrix: number[][];
  misclassified: { index: number; trueLabel: string; predictedLabel: string; confidence: number }[];
}

export interface TrainResult {
  /** True when shouldStop ended the run early; then `report` is null. */
  stopped: boolean;
  epochs: EpochMetrics[];
  /** Epoch whose weights the final model carries (the best validation epoch when early stopping). */
  bestEpoch: number;
  paramCount: number;
  report: TrainReport | null;
  trainSeconds: number;
}

export interface TrainLog {
  info(message: string): void;
}

export interface TrainRunOptions {
  dataset: LoadedDataset;
  /** Where checkpoint/, model/ and report.json go. */
  runDir: string;
  /** Called (and awaited) as each epoch ends. */
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Live progress, about once a second. */
  onProgress?: (progress: TrainProgress) => void | Promise<void>;
  /** Checked between batches; true stops the run (the last epoch's checkpoint stays). */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Continue from runDir/checkpoint when there is one. */
  resume?: boolean;
  log?: TrainLog;
  /** Passed to buildModel (e.g. where the pretrained weights are). */
  model?: BuildModelOptions;
  /** How many misclassified test images the report lists. */
  misclassifiedCount?: number;
  /** Memory for one kind of activation cache (train + validation rows); default 3 GiB. */
  cacheBudgetBytes?: number;
  /** false: fine-tune through the whole network even where a trunk cache would do (for comparisons). */
  trunkCache?: boolean;
}

const PROGRESS_INTERVAL_MS = 1000;
/** Early-stopping state at the start of a phase (accuracies are ≥ 0, so any epoch beats it). */
const NO_BEST = { epoch: 0, valAcc: -1, epochsSinceBest: 0 };
const EVAL_BATCH_SIZE = 128;

function snapshotWeights(model: tf.LayersModel): tf.NamedTensorMap {
  const snapshot: tf.NamedTensorMap = {};
  for (const weight of model.weights) snapshot[weight.originalName] = weight.read().clone();
  return snapshot;
}

/** Calls `report` at most once per interval (the first call always goes through). */
function throttled<T>(report: ((value: T) => void | Promise<void>) | undefined) {
  let last = -Infinity;
  return async (value: () => T, force = false): Promise<void> => {
    const now = performance.now();
    if (!report || (!force && now - last < PROGRESS_INTERVAL_MS)) return;
    last = now;
    await report(value());
  };
}

/** Where a phase's training batches and validation inputs come from: cached rows, or (null) images. */
interface PhaseInputs {
  train: ActivationCache | null;
  val: ActivationCache | null;
}

export async function trainRun(config: RunConfig, options: TrainRunOptions): Promise<TrainResult> {
  const { dataset, runDir } = options;
  const log = options.log ?? { info: () => undefined };
  const numClasses = dataset.train.numClasses;
  if (dataset.train.count === 0) throw new Error('the training set is empty');
  if (dataset.val.count === 0) throw new Error('the validation set is empty');
  const built = await buildModel(config, numClasses, options.model);
  let bestWeights: tf.NamedTensorMap | null = null;
  let trunk: TrunkPlan | null = null;
  try {
    const batchOptions = {
      inputSize: built.inputSize,
      scaling: built.inputScaling,
      channels: 3 as const,
    };
    const phases = planPhases(config);
    let history: EpochMetrics[] = [];
    let completedPhases: EpochPhase[] = [];
    let best = { ...NO_BEST };
    let previousSeconds = 0;
    let resumed = options.resume ? await loadCheckpoint(runDir) : null;
    if (resumed) {
      const { state, modelWeights } = resumed;
      history = state.history;
      completedPhases = state.completedPhases;
      best = state.best;
      previousSeconds = state.trainSeconds;
      built.model.loadWeights(modelWeights);
      tf.dispose(Object.values(modelWeights));
      bestWeights = resumed.bestWeights;
      log.info(`resuming after epoch ${state.epoch}`);
    } else if (built.whiteningLayer) {
      // A data-dependent init: a resumed run has these weights in its checkpoint.
      initPatchWhitening(built.model, built.whiteningLayer, dataset.train, batchOptions);
    }
    const startedAt = performance.now();
    const elapsedSeconds = () => previousSeconds + (performance.now() - startedAt) / 1000;
    const plannedEpochs = () =>
      history.length +
      phases
        .filter((p) => !completedPhases.includes(p.phase))
        .reduce((sum, p) => sum + p.epochs - history.filter((e) => e.phase === p.phase).length, 0);
    const stoppedResult = (): TrainResult => ({
      stopped: true,
      epochs: history,
      bestEpoch: bestEpochOfLastPhase(history),
      paramCount: built.model.countParams(),
      report: null,
      trainSeconds: elapsedSeconds(),
    });
    const progress = throttled(options.onProgress);

    // Trunk caching (fine-tuning without augmentation): the trunk's output is cached once and serves
    // both phases; the frozen phase's features are computed from it.
    const fineTunes = phases.some((p) => p.phase === 'fine-tune');
    trunk =
      fineTunes && options.trunkCache !== false
        ? planTrunkCache(built, config.fineTuneLayers, config.augment)
        : null;
    const budget = options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES;
    const cached: { trunk: PhaseInputs | null; features: PhaseInputs | null } = {
      trunk: null,
      features: null,
    };
    /**
     * Runs `model` once over the `which` set — its images, or the rows of `source` (a cache of the
     * layers below) — and caches every output row.
     */
    const cacheSet = async (
      kind: CacheKind,
      which: 'train' | 'val',
      model: tf.LayersModel,
      source: ActivationCache | null = null,
    ): Promise<ActivationCache> => {
      const set = dataset[which];
      const shape = (model.outputs[0]?.shape.slice(1) ?? []) as number[];
      const precision = cachePrecision(dataset.train.count + dataset.val.count, shape, budget);
      const makeInput = (indices: Int32Array) => {
        if (source) return gatherRows(source, indices);
        const { xs, ys } = makeBatch(set, indices, batchOptions);
        ys.dispose();
        return xs;
      };
      const started = performance.now();
      const cache = await cacheActivations(
        model,
        set.count,
        EVAL_BATCH_SIZE,
        makeInput,
        precision,
        {
          shouldStop: options.shouldStop,
          onBatch: (done, total) =>
            progress(
              () => ({
                stage: 'cache',
                cache: kind,
                set: which,
                epoch: history.length + 1,
                totalEpochs: plannedEpochs(),
                imagesDone: done,
                imagesTotal: total,
                etaSeconds: ((performance.now() - started) / 1000 / done) * (total - done),
              }),
              done === total,
            ),
        },
      );
      log.info(
        `cached ${kind} of ${set.count} ${which} images as ${precision} [${shape.join('×')}] in ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return cache;
    };
    const cacheTrunk = async (): Promise<PhaseInputs> => {
      if (!trunk) throw new Error('no trunk to cache');
      return {
        train: await cacheSet('trunk', 'train', trunk.split.trunk),
        val: await cacheSet('trunk', 'val', trunk.split.trunk),
      };
    };
    const cacheFeatures = async (): Promise<PhaseInputs> => {
      const extractor = built.transfer?.features;
      if (!extractor) throw new Error('no feature extractor');
      if (trunk) {
        const { train, val } = (cached.trunk ??= await cacheTrunk());
        return {
          train: await cacheSet('features', 'train', trunk.features, train),
          val: await cacheSet('features', 'val', trunk.features, val),
        };
      }
      // Training features only without augmentation; validation features are reused every epoch.
      return {
        train: config.augment ? null : await cacheSet('features', 'train', extractor),
        val: await cacheSet('features', 'val', extractor),
      };
    };

    let trainBatches = 0;
    let trainMs = 0;
    for (const plan of phases) {
      if (completedPhases.includes(plan.phase)) continue;
      const frozen = plan.phase === 'frozen';
      let inputs: PhaseInputs = { train: null, val: null };
      try {
        if (frozen) inputs = cached.features ??= await cacheFeatures();
        else if (plan.phase === 'fine-tune' && trunk) inputs = cached.trunk ??= await cacheTrunk();
      } catch (error) {
        if (error instanceof PredictionStopped) return stoppedResult();
        throw error;
      }
      if (plan.phase === 'fine-tune') cached.features = null;
      // The model this phase trains, and the one whose weights early stopping snapshots.
      const trainModel = frozen
        ? built.transfer?.head
        : plan.phase === 'fine-tune' && trunk
          ? trunk.predictions
          : built.model;
      const weightsModel = frozen ? built.transfer?.head : built.model;
      if (!trainModel || !weightsModel) throw new Error('no model to train');
      if (plan.phase === 'fine-tune') {
        prepareFineTuning(
          built,
          config.fineTuneLayers,
          config.optimizer,
          plan.learningRate,
          trainModel,
        );
      }
      const optimizer = trainModel.optimizer;
      if (resumed) {
        // The checkpoint's optimizer belongs to this phase only if the phase had already begun.
        if (history.some((e) => e.phase === plan.phase))
          await restoreOptimizer(optimizer, resumed.optimizerWeights, resumed.state.adamBetaPowers);
        tf.dispose(resumed.optimizerWeights.map((w) => w.tensor));
        resumed = null;
      }
      const train = dataset.train;
      const totalBatches = Math.ceil(train.count / config.batchSize);
      const phaseSteps = plan.epochs * totalBatches;
      const trainBatch = (indices: Int32Array, augmentRng: () => number) =>
        inputs.train
          ? {
              xs: gatherRows(inputs.train, indices),
              ys: tf.tensor2d(labelTargets(train, indices, config.labelSmoothing), [
                indices.length,
                numClasses,
              ]),
            }
          : imageBatch(
              train,
              indices,
              batchOptions,
              config,
              augmentRng,
              frozen ? built.transfer?.features : null,
            );
      const phaseDoneEpochs = history.filter((e) => e.phase === plan.phase).length;
      for (let phaseEpoch = phaseDoneEpochs + 1; phaseEpoch <= plan.epochs; phaseEpoch++) {
        const epoch = history.length + 1;
        const epochStarted = performance.now();
        const shuffleRng = mulberry32(deriveSeed(config.seed, `shuffle:${epoch}`));
        const augmentRng = mulberry32(deriveSeed(config.seed, `augment:${epoch}`));
        let learningRate = plan.learningRate;
        let lossSum = 0;
        let accSum = 0;
        let seen = 0;
        let batch = 0;
        for (const indices of epochBatchIndices(train.count, {
          batchSize: config.batchSize,
          shuffle: true,
          rng: shuffleRng,
        })) {
          if (await options.shouldStop?.()) return stoppedResult();
          const batchStarted = performance.now();
          learningRate = learningRateAt(
            config.lrSchedule,
            plan.learningRate,
            (phaseEpoch - 1) * totalBatches + batch,
            phaseSteps,
          );
          if (config.lrSchedule !== 'constant') setLearningRate(optimizer, learningRate);
          const { xs, ys } = trainBatch(indices, augmentRng);
          const result = (await trainModel.trainOnBatch(xs, ys)) as number[];
          tf.dispose([xs, ys]);
          const [loss = NaN, acc = NaN] = result;
          if (!Number.isFinite(loss))
            throw new Error(`training diverged: the loss became ${loss} in epoch ${epoch}`);
          lossSum += loss * indices.length;
          accSum += acc * indices.length;
          seen += indices.length;
          batch++;
          trainBatches++;
          trainMs += performance.now() - batchStarted;
          // The first batch of an epoch always reports (the stage may just have changed from caching).
          await progress(() => {
            const remainingBatches =
              totalBatches - batch + (plannedEpochs() - epoch) * totalBatches;
            return {
              stage: 'train',
              epoch,
              totalEpochs: plannedEpochs(),
              batch,
              totalBatches,
              etaSeconds: Math.max(0, (trainMs / 1000 / trainBatches) * remainingBatches),
              loss: lossSum / seen,
              acc: accSum / seen,
            };
          }, batch === 1);
        }

        const validation = inputs.val
          ? scoreProbabilities(
              await predictInBatches(trainModel, dataset.val.count, EVAL_BATCH_SIZE, (indices) =>
                gatherRows(inputs.val as ActivationCache, indices),
              ),
              dataset.val.labels.subarray(0, dataset.val.count),
              numClasses,
            )
          : await evaluateModel(built.model, dataset.val, {
              ...batchOptions,
              batchSize: EVAL_BATCH_SIZE,
            });
        const metrics: EpochMetrics = {
          epoch,
          phase: plan.phase,
          loss: lossSum / seen,
          acc: accSum / seen,
          valLoss: validation.loss,
          valAcc: validation.acc,
          lr: learningRate,
          seconds: (performance.now() - epochStarted) / 1000,
        };
        history = [...history, metrics];

        // Early stopping on validation accuracy, per phase (as Keras callbacks are per fit()).
        const patience = config.earlyStoppingPatience;
        if (metrics.valAcc > best.valAcc) {
          best = { epoch, valAcc: metrics.valAcc, epochsSinceBest: 0 };
          if (patience > 0) {
            tf.dispose(Object.values(bestWeights ?? {}));
            bestWeights = snapshotWeights(weightsModel);
          }
        } else {
          best = { ...best, epochsSinceBest: best.epochsSinceBest + 1 };
        }
        const earlyStop = patience > 0 && best.epochsSinceBest >= patience;
        const phaseEnds = earlyStop || phaseEpoch === plan.epochs;
        if (phaseEnds) {
          if (bestWeights) {
            weightsModel.loadWeights(bestWeights);
            tf.dispose(Object.values(bestWeights));
            bestWeights = null;
            log.info(`restored the weights of epoch ${best.epoch}`);
          }
          if (earlyStop) log.info(`early stopping after epoch ${epoch}`);
          completedPhases = [...completedPhases, plan.phase];
        }
        if (phaseEnds) best = { ...NO_BEST };
        const state: Omit<CheckpointState, 'optimizerSpecs' | 'bestSpecs' | 'adamBetaPowers'> = {
          version: 1,
          epoch,
          history,
          completedPhases,
          best,
          trainSeconds: elapsedSeconds(),
        };
        // Report the epoch before checkpointing it: a crash in between then redoes this epoch (its
        // stored row is replaced) instead of resuming past an epoch nobody recorded.
        await options.onEpoch?.(metrics);
        await saveCheckpoint(runDir, { state, model: built.model, optimizer, bestWeights });
        if (earlyStop) break;
      }
    }
    cached.trunk = null;

    const trainSeconds = elapsedSeconds();
    const test = await evaluateModel(built.model, dataset.test, {
      ...batchOptions,
      batchSize: EVAL_BATCH_SIZE,
    });
    const report = buildReport(dataset, history, test, options.misclassifiedCount ?? 20);
    const bestEpoch = bestEpochOfLastPhase(history);
    await mkdir(runDir, { recursive: true });
    await saveModelToDir(built.model, path.join(runDir, 'model'));
    const result: TrainResult = {
      stopped: false,
      epochs: history,
      bestEpoch,
      paramCount: built.model.countParams(),
      report,
      trainSeconds,
    };
    await writeFile(
      path.join(runDir, 'report.json'),
      // Every test prediction and true label (one class index per test image) let the dashboard show
      // the images behind any confusion-matrix cell; they stay in the file, not the database. For image
      // folders each test image's file (relative to the folder) lets it re-read one image, not the set.
      JSON.stringify({
        config,
        ...result,
        predictions: Array.from(test.predicted),
        testLabels: Array.from(dataset.test.labels.subarray(0, dataset.test.count)),
        ...(dataset.test.sources ? { testSources: dataset.test.sources } : {}),
        skipped: dataset.skipped,
      }),
    );
    return result;
  } finally {
    tf.dispose(Object.values(bestWeights ?? {}));
    // The top above a cached trunk shares the model's weights; only its optimizer is its own.
    trunk?.predictions.optimizer?.dispose();
    disposeConvlabModel(built);
  }
}

/**
 * One training batch made from images (augmented when the config says so), passed through the frozen
 * feature extractor when the phase trains only the head.
 */
function imageBatch(
  set: ImageSet,
  indices: Int32Array,
  batchOptions: BatchOptions,
  config: RunConfig,
  augmentRng: () => number,
  extractor: tf.LayersModel | null | undefined,
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

function buildReport(
  dataset: LoadedDataset,
  history: EpochMetrics[],
  test: { loss: number; acc: number; probs: Float32Array; predicted: Int32Array },
  misclassifiedCount: number,
): TrainReport {
  const { classNames } = dataset;
  const labels = dataset.test.labels.subarray(0, dataset.test.count);
  const scores = classificationReport(labels, test.predicted, classNames);
  const name = (label: number) => classNames[label] ?? String(label);
  return {
    testLoss: test.loss,
    testAcc: test.acc,
    overfittingGap: overfittingGap(history),
    classNames,
    perClass: scores.perClass,
    macroAvg: scores.macroAvg,
    weightedAvg: scores.weightedAvg,
    confusionMatrix: confusionMatrix(labels, test.predicted, classNames.length),
    misclassified: mostConfidentMisclassified(test.probs, labels, misclassifiedCount).map((m) => ({
      index: m.index,
      trueLabel: name(m.trueLabel),
      predictedLabel: name(m.predictedLabel),
      confidence: m.confidence,
    })),
  };
}

/**
 * The best validation epoch of the last phase that ran: the weights the final model carries when early
 * stopping is on (0 when no epoch finished).
 */
function bestEpochOfLastPhase(history: EpochMetrics[]): number {
  const lastPhase = history.at(-1)?.phase;
  let best: EpochMetrics | null = null;
  for (const metrics of history) {
    if (metrics.phase === lastPhase && (!best || metrics.valAcc > best.valAcc)) best = metrics;
  }
  return best?.epoch ?? 0;
}
