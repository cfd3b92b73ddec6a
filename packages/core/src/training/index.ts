// Public API of training (re-exported from @convlab/core).
export {
  type EpochMetrics,
  type EpochPhase,
  type TrainLog,
  type TrainProgress,
  type TrainReport,
  type TrainResult,
  trainRun,
  type TrainRunOptions,
} from './train-run.ts';
export {
  CHECKPOINT_DIR,
  type CheckpointContents,
  checkpointDir,
  type CheckpointState,
  checkpointStateSchema,
  loadCheckpoint,
  type LoadedCheckpoint,
  type NamedTensor,
  readCheckpointEpoch,
  restoreOptimizer,
  saveCheckpoint,
} from './checkpoint-files.ts';
export { learningRateAt, ONE_CYCLE_WARMUP } from './schedule.ts';
export {
  cacheActivations,
  type CacheHooks,
  type CacheKind,
  planTrunkCache,
  type TrunkPlan,
} from './fill-caches.ts';
export {
  type ActivationCache,
  CacheBudgetError,
  cachePrecision,
  type CachePrecision,
  createActivationCache,
  DEFAULT_CACHE_BUDGET_BYTES,
  gatherRows,
  writeRows,
} from './activation-cache.ts';
export {
  fineTunePlan,
  type PhasePlan,
  plannedEpochs,
  plannedRunEpochs,
  planPhases,
  remainingPhaseEpochs,
  totalEpochs,
} from './phases.ts';
export { beginPhaseModels, type PhaseModels } from './phase-models.ts';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping.ts';
export { ProgressReporter, type ProgressListener } from './progress.ts';
export { buildReport } from './final-report.ts';
// The GPU check times training steps on batches made exactly as the trainer makes them.
export { trainingImageBatch } from './train-epoch.ts';
export {
  estimatePhasesSeconds,
  estimateRunSeconds,
  evaluationSecondsFrom,
  type PhaseRates,
  phaseRatesFrom,
  type RunEstimate,
  setupSecondsPerImage,
} from './run-estimate.ts';
