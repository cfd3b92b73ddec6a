/**
 * The training loop's progress hook: live progress for a training batch or for images cached, at most
 * about once a second, with an ETA for the whole run: the phase now training at its own mean batch
 * time, the phases still to come at the speed earlier runs of the preset had here (run-estimate.ts).
 */
import type { EpochPhase } from '../contracts/epoch-metrics.ts';
import type { CacheKind } from './fill-caches.ts';
import { estimatePhasesSeconds, type PhaseRates } from './run-estimate.ts';

/** Until the run ends; a lower bound when a phase still to come has no known speed. */
interface Eta {
  etaSeconds: number;
  etaLowerBound: boolean;
}

/** Live progress: a training batch, or images done while a cache is filled. */
export type TrainProgress =
  | ({
      stage: 'train';
      epoch: number;
      totalEpochs: number;
      batch: number;
      totalBatches: number;
      loss: number;
      acc: number;
    } & Eta)
  | ({
      stage: 'cache';
      /** What is being cached, and for which image set. */
      cache: CacheKind;
      set: 'train' | 'val';
      /** The epoch that starts once caching is done. */
      epoch: number;
      totalEpochs: number;
      imagesDone: number;
      imagesTotal: number;
    } & Eta);

export type ProgressListener = (progress: TrainProgress) => void | Promise<void>;

/**
 * Where the run stands: the epoch now running (or next to run), the epochs it will train, the epochs
 * each unfinished phase has left (the first is the phase now running), and the training-set size.
 */
export type RunPosition = () => {
  epoch: number;
  totalEpochs: number;
  remaining: { phase: EpochPhase; epochs: number }[];
  trainImages: number;
  /** Validation seconds per training second in this run so far (the phase now training pays it too). */
  validationShare: number;
};

const PROGRESS_INTERVAL_MS = 1000;

export class ProgressReporter {
  private lastSent = -Infinity;
  /** Mean batch time of the phase now training (a new phase starts a new mean). */
  private phase: EpochPhase | null = null;
  private batches = 0;
  private batchMs = 0;

  /**
   * `rates`: each phase's speed in earlier runs of the preset here (empty: none known);
   * `evaluationSeconds`: how long the test evaluation after the last epoch took in them.
   */
  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly position: RunPosition,
    private readonly rates: PhaseRates = {},
    private readonly evaluationSeconds = 0,
  ) {}

  /** After a training batch (`batch` is 1-based); the first batch of an epoch always reports. */
  async onBatchEnd(batch: {
    phase: EpochPhase;
    batch: number;
    totalBatches: number;
    ms: number;
    loss: number;
    acc: number;
  }): Promise<void> {
    if (batch.phase !== this.phase) {
      this.phase = batch.phase;
      this.batches = 0;
      this.batchMs = 0;
    }
    this.batches++;
    this.batchMs += batch.ms;
    await this.send(() => {
      const { epoch, totalEpochs, remaining, trainImages, validationShare } = this.position();
      const [current, ...later] = remaining;
      const remainingBatches =
        batch.totalBatches - batch.batch + ((current?.epochs ?? 1) - 1) * batch.totalBatches;
      const rest = estimatePhasesSeconds(later, trainImages, this.rates);
      return {
        stage: 'train',
        epoch,
        totalEpochs,
        batch: batch.batch,
        totalBatches: batch.totalBatches,
        etaSeconds:
          Math.max(0, (this.batchMs / 1000 / this.batches) * remainingBatches) *
            (1 + validationShare) +
          rest.seconds +
          this.evaluationSeconds,
        etaLowerBound: rest.untimed.length > 0,
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
      const { epoch, totalEpochs, remaining, trainImages } = this.position();
      // Caching comes before the phase's first batch: all of it is still to train.
      const rest = estimatePhasesSeconds(remaining, trainImages, this.rates);
      return {
        stage: 'cache',
        cache: cache.kind,
        set: cache.set,
        epoch,
        totalEpochs,
        imagesDone: cache.done,
        imagesTotal: cache.total,
        etaSeconds:
          (elapsedSeconds / cache.done) * (cache.total - cache.done) +
          rest.seconds +
          this.evaluationSeconds,
        etaLowerBound: rest.untimed.length > 0,
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
