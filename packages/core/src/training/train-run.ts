/**
 * `trainRun`: one training run, start to finish — build the model, train epoch by epoch with our own
 * batch loop (so a stop request lands between batches and shuffling/augmentation follow the run's
 * seed), validate, early-stop with best-weights restore, checkpoint every epoch, evaluate on the test
 * set and write the final model and report into the run's folder.
 *
 * Transfer presets train in two phases: 'frozen' (only the head learns; without augmentation the
 * backbone's features are computed once and cached) and 'fine-tune' (the last backbone layers unfrozen,
 * a fresh Adam at the lower rate, features computed on the fly).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/schema.ts';
import { DEFAULT_AUGMENT } from '../data/augment.ts';
import { epochBatchIndices, makeBatch } from '../data/batch.ts';
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
  type BuildModelOptions,
  type ConvlabModel,
} from '../models/build.ts';
import { saveModelToDir } from '../models/file-io.ts';
import {
  loadCheckpoint,
  restoreOptimizer,
  saveCheckpoint,
  type CheckpointState,
} from './checkpoint.ts';

export type EpochPhase = 'train' | 'frozen' | 'fine-tune';

export interface EpochMetrics {
  /** 1-based, counted across phases. */
  epoch: number;
  phase: EpochPhase;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
}

export interface TrainProgress {
  epoch: number;
  totalEpochs: number;
  batch: number;
  totalBatches: number;
  etaSeconds: number;
  loss: number;
  acc: number;
}

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
}

const PROGRESS_INTERVAL_MS = 1000;
/** Early-stopping state at the start of a phase (accuracies are ≥ 0, so any epoch beats it). */
const NO_BEST = { epoch: 0, valAcc: -1, epochsSinceBest: 0 };
const EVAL_BATCH_SIZE = 128;

interface PhasePlan {
  phase: EpochPhase;
  epochs: number;
  learningRate: number;
}

function planPhases(config: RunConfig, built: ConvlabModel): PhasePlan[] {
  if (!built.transfer)
    return [{ phase: 'train', epochs: config.epochs, learningRate: config.learningRate }];
  const phases: PhasePlan[] = [
    { phase: 'frozen', epochs: config.epochs, learningRate: config.learningRate },
  ];
  if (config.fineTuneEpochs > 0 && config.fineTuneLayers > 0) {
    phases.push({
      phase: 'fine-tune',
      epochs: config.fineTuneEpochs,
      learningRate: config.learningRate * config.fineTuneLearningRateFactor,
    });
  }
  return phases;
}

/** Cached backbone features of an image set (row-major [count × featureSize]). */
interface FeatureSet {
  values: Float32Array;
  size: number;
}

function gatherFeatures(features: FeatureSet, indices: Int32Array): tf.Tensor2D {
  const out = new Float32Array(indices.length * features.size);
  indices.forEach((index, k) =>
    out.set(
      features.values.subarray(index * features.size, (index + 1) * features.size),
      k * features.size,
    ),
  );
  return tf.tensor2d(out, [indices.length, features.size]);
}

function oneHot(set: ImageSet, indices: Int32Array): tf.Tensor2D {
  const out = new Float32Array(indices.length * set.numClasses);
  indices.forEach((index, k) => (out[k * set.numClasses + (set.labels[index] ?? 0)] = 1));
  return tf.tensor2d(out, [indices.length, set.numClasses]);
}

function snapshotWeights(model: tf.LayersModel): tf.NamedTensorMap {
  const snapshot: tf.NamedTensorMap = {};
  for (const weight of model.weights) snapshot[weight.originalName] = weight.read().clone();
  return snapshot;
}

export async function trainRun(config: RunConfig, options: TrainRunOptions): Promise<TrainResult> {
  const { dataset, runDir } = options;
  const log = options.log ?? { info: () => undefined };
  const numClasses = dataset.train.numClasses;
  if (dataset.train.count === 0) throw new Error('the training set is empty');
  if (dataset.val.count === 0) throw new Error('the validation set is empty');
  const built = await buildModel(config, numClasses, options.model);
  let bestWeights: tf.NamedTensorMap | null = null;
  try {
    const batchOptions = {
      inputSize: built.inputSize,
      scaling: built.inputScaling,
      channels: 3 as const,
    };
    const phases = planPhases(config, built);
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
    }
    const startedAt = performance.now();
    const elapsedSeconds = () => previousSeconds + (performance.now() - startedAt) / 1000;
    const plannedEpochs = () =>
      history.length +
      phases
        .filter((p) => !completedPhases.includes(p.phase))
        .reduce((sum, p) => sum + p.epochs - history.filter((e) => e.phase === p.phase).length, 0);

    // Validation features are reused by every frozen epoch; training features only without augmentation.
    let valFeatures: FeatureSet | null = null;
    let trainFeatures: FeatureSet | null = null;
    const computeFeatures = async (set: ImageSet): Promise<FeatureSet> => {
      const extractor = built.transfer?.features;
      if (!extractor) throw new Error('no feature extractor');
      const started = performance.now();
      // Features of a large set take minutes: a stop request must not wait for them.
      const values = await predictInBatches(
        extractor,
        set.count,
        EVAL_BATCH_SIZE,
        (indices) => {
          const { xs, ys } = makeBatch(set, indices, batchOptions);
          ys.dispose();
          return xs;
        },
        options.shouldStop,
      );
      log.info(
        `computed features of ${set.count} images in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return { values, size: built.transfer?.featureSize ?? 0 };
    };

    const stoppedResult = (): TrainResult => ({
      stopped: true,
      epochs: history,
      bestEpoch: bestEpochOfLastPhase(history),
      paramCount: built.model.countParams(),
      report: null,
      trainSeconds: elapsedSeconds(),
    });

    let lastProgressAt = -Infinity; // the first batch always reports
    let batchesDone = 0;
    for (const plan of phases) {
      if (completedPhases.includes(plan.phase)) continue;
      const frozen = plan.phase === 'frozen';
      if (plan.phase === 'fine-tune') {
        prepareFineTuning(built, config.fineTuneLayers, plan.learningRate);
        valFeatures = null;
        trainFeatures = null;
      }
      const trainModel = frozen ? built.transfer?.head : built.model;
      if (!trainModel) throw new Error('no model to train');
      const optimizer = trainModel.optimizer;
      if (resumed) {
        // The checkpoint's optimizer belongs to this phase only if the phase had already begun.
        if (history.some((e) => e.phase === plan.phase))
          await restoreOptimizer(optimizer, resumed.optimizerWeights, resumed.state.adamBetaPowers);
        tf.dispose(resumed.optimizerWeights.map((w) => w.tensor));
        resumed = null;
      }
      if (frozen) {
        try {
          valFeatures = await computeFeatures(dataset.val);
          if (!config.augment) trainFeatures = await computeFeatures(dataset.train);
        } catch (error) {
          if (error instanceof PredictionStopped) return stoppedResult();
          throw error;
        }
      }
      const phaseDoneEpochs = history.filter((e) => e.phase === plan.phase).length;
      for (let phaseEpoch = phaseDoneEpochs + 1; phaseEpoch <= plan.epochs; phaseEpoch++) {
        const epoch = history.length + 1;
        const epochStarted = performance.now();
        const shuffleRng = mulberry32(deriveSeed(config.seed, `shuffle:${epoch}`));
        const augmentRng = mulberry32(deriveSeed(config.seed, `augment:${epoch}`));
        const train = dataset.train;
        const totalBatches = Math.ceil(train.count / config.batchSize);
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
          let xs: tf.Tensor;
          let ys: tf.Tensor;
          if (frozen && trainFeatures) {
            xs = gatherFeatures(trainFeatures, indices);
            ys = oneHot(train, indices);
          } else {
            const made = makeBatch(train, indices, {
              ...batchOptions,
              ...(config.augment ? { augment: DEFAULT_AUGMENT, rng: augmentRng } : {}),
            });
            ys = made.ys;
            if (frozen) {
              const extractor = built.transfer?.features;
              xs = tf.tidy(() => extractor?.predict(made.xs) as tf.Tensor);
              made.xs.dispose();
            } else {
              xs = made.xs;
            }
          }
          const result = (await trainModel.trainOnBatch(xs, ys)) as number[];
          tf.dispose([xs, ys]);
          const [loss = NaN, acc = NaN] = result;
          if (!Number.isFinite(loss))
            throw new Error(`training diverged: the loss became ${loss} in epoch ${epoch}`);
          lossSum += loss * indices.length;
          accSum += acc * indices.length;
          seen += indices.length;
          batch++;
          batchesDone++;
          const now = performance.now();
          if (options.onProgress && now - lastProgressAt >= PROGRESS_INTERVAL_MS) {
            lastProgressAt = now;
            const secondsPerBatch = (now - startedAt) / 1000 / batchesDone;
            const remainingBatches =
              totalBatches - batch + (plannedEpochs() - epoch) * totalBatches;
            await options.onProgress({
              epoch,
              totalEpochs: plannedEpochs(),
              batch,
              totalBatches,
              etaSeconds: Math.max(0, secondsPerBatch * remainingBatches),
              loss: lossSum / seen,
              acc: accSum / seen,
            });
          }
        }

        const validation =
          frozen && valFeatures
            ? scoreProbabilities(
                await predictInBatches(trainModel, dataset.val.count, EVAL_BATCH_SIZE, (indices) =>
                  gatherFeatures(valFeatures as FeatureSet, indices),
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
          lr: plan.learningRate,
          seconds: (performance.now() - epochStarted) / 1000,
        };
        history = [...history, metrics];

        // Early stopping on validation accuracy, per phase (as Keras callbacks are per fit()).
        const patience = config.earlyStoppingPatience;
        if (metrics.valAcc > best.valAcc) {
          best = { epoch, valAcc: metrics.valAcc, epochsSinceBest: 0 };
          if (patience > 0) {
            tf.dispose(Object.values(bestWeights ?? {}));
            bestWeights = snapshotWeights(trainModel);
          }
        } else {
          best = { ...best, epochsSinceBest: best.epochsSinceBest + 1 };
        }
        const earlyStop = patience > 0 && best.epochsSinceBest >= patience;
        const phaseEnds = earlyStop || phaseEpoch === plan.epochs;
        if (phaseEnds) {
          if (bestWeights) {
            trainModel.loadWeights(bestWeights);
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
      // Every test prediction (one class index per test image) lets the dashboard show the images
      // behind any confusion-matrix cell; they stay in the file, not the database.
      JSON.stringify({ config, ...result, predictions: Array.from(test.predicted) }),
    );
    return result;
  } finally {
    tf.dispose(Object.values(bestWeights ?? {}));
    disposeConvlabModel(built);
  }
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
