/**
 * `trainRun`: one training run, start to finish. It builds the model, then trains phase by phase and
 * epoch by epoch with our own batch loop, so a stop request lands between batches and shuffling and
 * augmentation follow the run's seed. The loop's concerns are small hooks, in the spirit of tfjs-layers
 * callbacks: where a phase's inputs come from (the feature/trunk cache, phase-inputs.ts), live progress
 * (progress.ts), early stopping with best-weights restore (early-stopping.ts) and a checkpoint every
 * epoch (checkpointer.ts). At the end it evaluates on the test set and writes the final model and
 * report into the run's folder (final-report.ts).
 *
 * Transfer presets train in two phases (see phases.ts): 'frozen' (only the head learns) and 'fine-tune'
 * (the last backbone layers unfrozen, a fresh optimizer at the lower rate).
 */
import type { EpochMetrics, EpochPhase } from '../contracts/epoch-metrics.ts';
import type { ModelSummary } from '../contracts/model-summary.ts';
import type { RunReport } from '../contracts/run-report.ts';
import type { RunTiming } from '../contracts/run-timing.ts';
import { MAX_WORKERS, type RunConfig } from '../contracts/run-config-schema.ts';
import type { BatchOptions } from '../data/batch.ts';
import type { LoadedDataset } from '../data/types.ts';
import { evaluateModel, PredictionStopped } from '../evaluation/evaluate.ts';
import { galleryGradCam } from '../explain/explain-images.ts';
import * as tf from '@tensorflow/tfjs';
import { ReplicaPool } from '../data-parallel/replica-pool.ts';
import {
  buildModel,
  disposeConvlabModel,
  type BuildModelOptions,
  type ConvlabModel,
} from '../models/build.ts';
import { initPatchWhitening } from '../models/patch-whitening.ts';
import { summarizeModel } from '../models/summarize-model.ts';
import { DEFAULT_CACHE_BUDGET_BYTES } from './activation-cache.ts';
import { planTrunkCache, type TrunkPlan } from './fill-caches.ts';
import { Checkpointer } from './checkpointer.ts';
import { EarlyStopping } from './early-stopping.ts';
import { bestEpochOfLastPhase, buildReport, writeRunOutputs } from './final-report.ts';
import { PhaseInputCache } from './phase-input-cache.ts';
import { beginPhaseModels, predictionModels } from './phase-models.ts';
import { plannedEpochs, planPhases, remainingPhaseEpochs, type PhasePlan } from './phases.ts';
import { ProgressReporter, type ProgressListener } from './progress.ts';
import { RunClock } from './run-clock.ts';
import type { PhaseRates } from './run-estimate.ts';
import { EVAL_BATCH_SIZE, trainEpoch, validateEpoch, type EpochStep } from './train-epoch.ts';

export type { EpochMetrics, EpochPhase } from '../contracts/epoch-metrics.ts';
export type { TrainProgress } from './progress.ts';

/** A finished run's report (the schema-checked RunReport of @convlab/core/contracts). */
export type TrainReport = RunReport;

export interface TrainResult {
  /** True when shouldStop or stopAfterEpoch ended the run early; then `report` is null. */
  stopped: boolean;
  /** True when it stopped at stopAfterEpoch (a sweep's rung), with that epoch checkpointed. */
  reachedEpochLimit: boolean;
  epochs: EpochMetrics[];
  /** Epoch whose weights the final model carries (the best validation epoch when early stopping). */
  bestEpoch: number;
  paramCount: number;
  report: TrainReport | null;
  trainSeconds: number;
  /** Where the time went (all attempts), and the training throughput. */
  timing: RunTiming;
}

export interface TrainLog {
  info(message: string): void;
}

export interface TrainRunOptions {
  dataset: LoadedDataset;
  /** Seconds the caller spent loading the dataset, counted in the run's loading time. */
  loadingSeconds?: number;
  /** Where checkpoint/, model/ and report.json go. */
  runDir: string;
  /** Called (and awaited) once the model is built, before training: its architecture. */
  onModelSummary?: (summary: ModelSummary) => void | Promise<void>;
  /** Called (and awaited) as each epoch ends. */
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Called (and awaited) once runDir/checkpoint holds that epoch (e.g. to copy it off the host). */
  onCheckpoint?: (epoch: number) => void | Promise<void>;
  /** Live progress, about once a second. */
  onProgress?: ProgressListener;
  /** Each phase's speed in earlier runs of the preset here, so the ETA covers phases to come. */
  phaseRates?: PhaseRates;
  /** How long the test evaluation took in those runs (evaluationSecondsFrom), for the ETA. */
  evaluationSeconds?: number;
  /** Checked between batches; true stops the run (the last epoch's checkpoint stays). */
  shouldStop?: () => boolean | Promise<boolean>;
  /**
   * Stop once this epoch is recorded and checkpointed (a sweep's rung); resuming later continues
   * exactly where it stopped. The config's epochs still define the schedule.
   */
  stopAfterEpoch?: number;
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
  /**
   * Data-parallel workers (threads, each with a replica of the model; resolveWorkerCount decides how
   * many); default 1. More than one needs the wasm backend.
   */
  workers?: number;
}

/** What the loop has done so far (restored from a checkpoint on resume). */
interface RunState {
  history: EpochMetrics[];
  completedPhases: EpochPhase[];
  elapsedSeconds: () => number;
  clock: RunClock;
}

/** Everything a phase needs: the run, its model, and the loop's hooks. */
interface PhaseContext {
  config: RunConfig;
  options: TrainRunOptions;
  built: ConvlabModel;
  trunk: TrunkPlan | null;
  batchOptions: BatchOptions;
  state: RunState;
  inputCache: PhaseInputCache;
  progress: ProgressReporter;
  earlyStopping: EarlyStopping;
  checkpointer: Checkpointer;
  log: TrainLog;
  replicas: ReplicaPool | null;
}

export async function trainRun(config: RunConfig, options: TrainRunOptions): Promise<TrainResult> {
  const { dataset } = options;
  const log = options.log ?? { info: () => undefined };
  if (dataset.train.count === 0) throw new Error('the training set is empty');
  if (dataset.val.count === 0) throw new Error('the validation set is empty');
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new Error(`workers must be an integer from 1 to ${MAX_WORKERS}, got ${workers}`);
  if (workers > 1 && tf.getBackend() !== 'wasm')
    throw new Error(`data-parallel training needs the wasm backend, not ${tf.getBackend()}`);
  const buildStarted = performance.now();
  const built = await buildModel(config, dataset.train.numClasses, options.model);
  const checkpointer = new Checkpointer(options.runDir);
  const earlyStopping = new EarlyStopping(config.earlyStoppingPatience);
  let trunk: TrunkPlan | null = null;
  let replicas: ReplicaPool | null = null;
  try {
    await options.onModelSummary?.(summarizeModel(built, config));
    const batchOptions: BatchOptions = {
      inputSize: built.inputSize,
      scaling: built.inputScaling,
      channels: 3,
    };
    const phases = planPhases(config);
    const resumed = options.resume ? await checkpointer.resume(built.model) : null;
    if (resumed) {
      earlyStopping.restore(resumed.state.best, resumed.bestWeights);
      log.info(`resuming after epoch ${resumed.state.epoch}`);
    } else if (built.whiteningLayer) {
      // A data-dependent init: a resumed run has these weights in its checkpoint.
      await initPatchWhitening(built.model, built.whiteningLayer, dataset.train, batchOptions);
    }
    const startedAt = performance.now();
    const previousSeconds = resumed?.state.trainSeconds ?? 0;
    const clock = new RunClock(resumed?.state.timing);
    clock.add('loading', (options.loadingSeconds ?? 0) + (startedAt - buildStarted) / 1000);
    const state: RunState = {
      history: resumed?.state.history ?? [],
      completedPhases: resumed?.state.completedPhases ?? [],
      elapsedSeconds: () => previousSeconds + (performance.now() - startedAt) / 1000,
      clock,
    };
    const progress = new ProgressReporter(
      options.onProgress,
      () => {
        // A sweep trial stopping at its rung counts to the rung (its ETA is the rung's).
        const limit = options.stopAfterEpoch ?? Infinity;
        let left = Math.max(0, limit - state.history.length);
        const remaining = remainingPhaseEpochs(phases, state.history, state.completedPhases).map(
          (p) => {
            const epochs = Math.min(p.epochs, left);
            left -= epochs;
            return { phase: p.phase, epochs };
          },
        );
        return {
          epoch: state.history.length + 1,
          totalEpochs: Math.min(plannedEpochs(phases, state.history, state.completedPhases), limit),
          remaining,
          trainImages: dataset.train.count,
          validationShare: clock.validationShare(),
        };
      },
      options.phaseRates,
      options.evaluationSeconds,
    );
    // Fine-tuning without augmentation trains on the trunk's cached output (phase-inputs.ts).
    trunk =
      fineTunes(phases) && options.trunkCache !== false
        ? planTrunkCache(built, config.fineTuneLayers, config.augment)
        : null;
    if (workers > 1) {
      replicas = await state.clock.time('loading', () =>
        ReplicaPool.start({
          workers,
          config,
          numClasses: dataset.train.numClasses,
          model: options.model ?? {},
          trunkCache: trunk !== null,
        }),
      );
      replicas.registerModels(predictionModels(built, trunk));
      log.info(`training on ${workers} data-parallel workers`);
    }
    const inputCache = new PhaseInputCache({
      built,
      config,
      dataset,
      batchOptions,
      trunk,
      budgetBytes: options.cacheBudgetBytes ?? DEFAULT_CACHE_BUDGET_BYTES,
      batchSize: EVAL_BATCH_SIZE,
      progress,
      shouldStop: options.shouldStop,
      log,
      parallel: replicas,
    });
    const context: PhaseContext = {
      config,
      options,
      built,
      trunk,
      batchOptions,
      state,
      inputCache,
      progress,
      earlyStopping,
      checkpointer,
      log,
      replicas,
    };
    if (reachedLimit(options, state.history.length)) return stoppedResult(built, state, true);
    for (const plan of phases) {
      if (state.completedPhases.includes(plan.phase)) continue;
      const outcome = await trainPhase(plan, context);
      if (outcome !== 'done') return stoppedResult(built, state, outcome === 'epoch-limit');
    }
    inputCache.release();
    return await finishRun(config, options, built, state, replicas);
  } finally {
    await replicas?.close();
    earlyStopping.dispose();
    checkpointer.dispose();
    // The top above a cached trunk shares the model's weights; only its optimizer is its own.
    trunk?.predictions.optimizer?.dispose();
    disposeConvlabModel(built);
  }
}

/**
 * One phase's remaining epochs; 'stopped' when a stop request landed (while caching or training),
 * 'epoch-limit' when it reached stopAfterEpoch.
 */
async function trainPhase(
  plan: PhasePlan,
  context: PhaseContext,
): Promise<'done' | 'stopped' | 'epoch-limit'> {
  const { config, options, built, state } = context;
  const { trainModel, weightsModel } = beginPhaseModels(built, plan, context.trunk, config);
  await context.checkpointer.onPhaseBegin(plan.phase, trainModel.optimizer);
  // After any restore (resume, whitening init, the last phase's best epoch) every replica starts equal,
  // before the replicas help fill the phase's caches.
  await context.replicas?.beginPhase(plan, built.model, trainModel);
  let inputs;
  try {
    inputs = await state.clock.time('caching', () => context.inputCache.onPhaseBegin(plan));
  } catch (error) {
    if (error instanceof PredictionStopped) return 'stopped';
    throw error;
  }
  const phaseDoneEpochs = state.history.filter((e) => e.phase === plan.phase).length;
  for (let phaseEpoch = phaseDoneEpochs + 1; phaseEpoch <= plan.epochs; phaseEpoch++) {
    const epoch = state.history.length + 1;
    const epochStarted = performance.now();
    const step: EpochStep = {
      config,
      plan,
      epoch,
      phaseEpoch,
      train: options.dataset.train,
      model: trainModel,
      inputs,
      batchOptions: context.batchOptions,
      extractor: plan.phase === 'frozen' ? (built.transfer?.features ?? null) : null,
      progress: context.progress,
      shouldStop: options.shouldStop,
      replicas: context.replicas,
    };
    const trainStarted = performance.now();
    const trained = await trainEpoch(step);
    if (!trained) return 'stopped';
    state.clock.addEpoch(
      plan.phase,
      options.dataset.train.count,
      (performance.now() - trainStarted) / 1000,
    );
    const validation = await state.clock.time('validation', () =>
      validateEpoch(step, built.model, options.dataset, context.replicas),
    );
    const metrics: EpochMetrics = {
      epoch,
      phase: plan.phase,
      loss: trained.loss,
      acc: trained.acc,
      valLoss: validation.loss,
      valAcc: validation.acc,
      lr: trained.lr,
      seconds: (performance.now() - epochStarted) / 1000,
    };
    const earlyStop = await endEpoch(metrics, phaseEpoch === plan.epochs, context, {
      weightsModel,
      optimizer: trainModel.optimizer,
    });
    if (earlyStop) break;
    if (reachedLimit(options, epoch)) return 'epoch-limit';
  }
  return 'done';
}

/** Whether `epoch` is where stopAfterEpoch stops, before the planned end of training. */
function reachedLimit(options: TrainRunOptions, epoch: number): boolean {
  return options.stopAfterEpoch !== undefined && epoch >= options.stopAfterEpoch;
}

/**
 * After an epoch's validation: records it, lets early stopping decide (restoring the best weights as
 * the phase ends), reports the epoch and checkpoints it. True when early stopping ends the phase.
 */
async function endEpoch(
  metrics: EpochMetrics,
  lastOfPhase: boolean,
  context: PhaseContext,
  models: { weightsModel: tf.LayersModel; optimizer: tf.Optimizer },
): Promise<boolean> {
  const { state, earlyStopping, log } = context;
  state.history = [...state.history, metrics];
  const earlyStop = earlyStopping.onEpochEnd(metrics, models.weightsModel);
  if (earlyStop || lastOfPhase) {
    const restored = earlyStopping.onPhaseEnd(models.weightsModel);
    if (restored !== null) log.info(`restored the weights of epoch ${restored}`);
    if (earlyStop) log.info(`early stopping after epoch ${metrics.epoch}`);
    state.completedPhases = [...state.completedPhases, metrics.phase];
  }
  const checkpointState = {
    version: 1 as const,
    epoch: metrics.epoch,
    history: state.history,
    completedPhases: state.completedPhases,
    best: earlyStopping.state,
    trainSeconds: state.elapsedSeconds(),
    timing: state.clock.snapshot(),
  };
  // Report the epoch before checkpointing it: a crash in between then redoes this epoch (its stored
  // row is replaced) instead of resuming past an epoch nobody recorded.
  await context.options.onEpoch?.(metrics);
  await context.checkpointer.onEpochEnd({
    state: checkpointState,
    model: context.built.model,
    optimizer: models.optimizer,
    bestWeights: earlyStopping.bestWeights,
  });
  await context.options.onCheckpoint?.(metrics.epoch);
  return earlyStop;
}

function stoppedResult(
  built: ConvlabModel,
  state: RunState,
  reachedEpochLimit: boolean,
): TrainResult {
  return {
    stopped: true,
    reachedEpochLimit,
    epochs: state.history,
    bestEpoch: bestEpochOfLastPhase(state.history),
    paramCount: built.model.countParams(),
    report: null,
    trainSeconds: state.elapsedSeconds(),
    timing: state.clock.snapshot(),
  };
}

function fineTunes(phases: PhasePlan[]): boolean {
  return phases.some((p) => p.phase === 'fine-tune');
}

/** Evaluates on the test set and writes the model and report.json. */
async function finishRun(
  config: RunConfig,
  options: TrainRunOptions,
  built: ConvlabModel,
  state: RunState,
  replicas: ReplicaPool | null,
): Promise<TrainResult> {
  const { dataset } = options;
  const { history } = state;
  // Early stopping may have restored an earlier epoch's weights on this thread only.
  await replicas?.syncWeights(built.model);
  const { test, report, gradCam } = await state.clock.time('evaluation', async () => {
    const test = await evaluateModel(built.model, dataset.test, {
      inputSize: built.inputSize,
      scaling: built.inputScaling,
      batchSize: EVAL_BATCH_SIZE,
      parallel: replicas,
    });
    const report = buildReport(dataset, history, test, options.misclassifiedCount ?? 20);
    // The gallery's heatmaps, stored with the run so any dashboard shows them without the model.
    const gradCam = await galleryGradCam(
      built.model,
      dataset.test,
      report.misclassified,
      { inputSize: built.inputSize, inputScaling: built.inputScaling },
      dataset.classNames,
    );
    return { test, report, gradCam };
  });
  const result = {
    stopped: false as const,
    reachedEpochLimit: false,
    epochs: history,
    bestEpoch: bestEpochOfLastPhase(history),
    paramCount: built.model.countParams(),
    report,
    trainSeconds: state.elapsedSeconds(),
    timing: state.clock.snapshot(),
  };
  await writeRunOutputs(
    options.runDir,
    built.model,
    {
      config,
      ...result,
      predictions: Array.from(test.predicted),
      testLabels: Array.from(dataset.test.labels.subarray(0, dataset.test.count)),
      ...(dataset.test.sources ? { testSources: dataset.test.sources } : {}),
      skipped: dataset.skipped,
    },
    gradCam,
  );
  return result;
}
