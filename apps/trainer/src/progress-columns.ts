/** How a run's live progress (core's TrainProgress) is stored on its row. */
import type { TrainProgress } from '@convlab/core';
import type { RunProgress } from '@convlab/db';

/** A progress report as the run's live progress columns. */
export function progressColumns(progress: TrainProgress): RunProgress {
  const common = {
    currentEpoch: progress.epoch,
    totalEpochs: progress.totalEpochs,
    etaSeconds: progress.etaSeconds,
    etaLowerBound: progress.etaLowerBound,
  };
  if (progress.stage === 'train') {
    return {
      ...common,
      stage: 'train',
      batch: progress.batch,
      totalBatches: progress.totalBatches,
      cacheDone: null,
      cacheTotal: null,
    };
  }
  return {
    ...common,
    stage: progress.cache === 'trunk' ? 'cache-trunk' : 'cache-features',
    batch: null,
    totalBatches: null,
    cacheDone: progress.imagesDone,
    cacheTotal: progress.imagesTotal,
  };
}
