/**
 * The training loop's progress hook: live progress for a training batch or for images cached, at most
 * about once a second, with an ETA from the run's mean batch time so far.
 */
import type { CacheKind } from './caching.ts';

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

export type ProgressListener = (progress: TrainProgress) => void | Promise<void>;

/** Where the run stands: the epoch now running (or next to run) and the epochs it will train. */
export type RunPosition = () => { epoch: number; totalEpochs: number };

const PROGRESS_INTERVAL_MS = 1000;

export class ProgressReporter {
  private lastSent = -Infinity;
  private batches = 0;
  private batchMs = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly position: RunPosition,
  ) {}

  /** After a training batch (`batch` is 1-based); the first batch of an epoch always reports. */
  async onBatchEnd(batch: {
    batch: number;
    totalBatches: number;
    ms: number;
    loss: number;
    acc: number;
  }): Promise<void> {
    this.batches++;
    this.batchMs += batch.ms;
    await this.send(() => {
      const { epoch, totalEpochs } = this.position();
      const remainingBatches =
        batch.totalBatches - batch.batch + (totalEpochs - epoch) * batch.totalBatches;
      return {
        stage: 'train',
        epoch,
        totalEpochs,
        batch: batch.batch,
        totalBatches: batch.totalBatches,
        etaSeconds: Math.max(0, (this.batchMs / 1000 / this.batches) * remainingBatches),
        loss: batch.loss,
        acc: batch.acc,
      };
    }, batch.batch === 1);
  }

  /** After a batch of cached images; the last one always reports. */
  async onCacheBatch(cache: {
    kind: CacheKind;
    set: 'train' | 'val';
    done: number;
    total: number;
    startedAt: number;
  }): Promise<void> {
    await this.send(() => {
      const elapsedSeconds = (performance.now() - cache.startedAt) / 1000;
      return {
        stage: 'cache',
        cache: cache.kind,
        set: cache.set,
        ...this.position(),
        imagesDone: cache.done,
        imagesTotal: cache.total,
        etaSeconds: (elapsedSeconds / cache.done) * (cache.total - cache.done),
      };
    }, cache.done === cache.total);
  }

  private async send(progress: () => TrainProgress, force: boolean): Promise<void> {
    const now = performance.now();
    if (!this.listener || (!force && now - this.lastSent < PROGRESS_INTERVAL_MS)) return;
    this.lastSent = now;
    await this.listener(progress());
  }
}
