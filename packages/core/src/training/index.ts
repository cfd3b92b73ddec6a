// Public API of training (re-exported from @convlab/core).
export * from './train-run.ts';
export * from './checkpoint-files.ts';
export * from './schedule.ts';
export * from './fill-caches.ts';
export * from './activation-cache.ts';
export * from './phases.ts';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping.ts';
export { ProgressReporter, type ProgressListener } from './progress.ts';
export { buildReport } from './final-report.ts';
// The GPU check times training steps on batches made exactly as the trainer makes them.
export { trainingImageBatch } from './train-epoch.ts';
export * from './run-estimate.ts';
