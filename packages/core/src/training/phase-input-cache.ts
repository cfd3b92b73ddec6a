/**
 * The training loop's cache hook: where a phase's training batches and validation inputs come from.
 * Without augmentation nothing below the trained layers changes, so their output is computed once per
 * image and cached: the pooled features for the frozen phase, and, when fine-tuning follows, the
 * trunk's output at the first fine-tuned layer, from which both the features and the fine-tuning
 * batches are made. Null rows mean "from the images".
 */
import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { makeBatch, type BatchOptions } from '../data/batch.ts';
import type { LoadedDataset } from '../data/types.ts';
import type { ParallelPredictor } from '../evaluation/evaluate.ts';
import type { ConvlabModel } from '../models/build.ts';
import { cachePrecision, gatherRows, type ActivationCache } from './activation-cache.ts';
import { cacheActivations, type CacheKind, type TrunkPlan } from './fill-caches.ts';
import type { PhasePlan } from './phases.ts';
import type { ProgressReporter } from './progress.ts';

export interface PhaseInputs {
  train: ActivationCache | null;
  val: ActivationCache | null;
}

export interface PhaseInputCacheOptions {
  built: ConvlabModel;
  config: RunConfig;
  dataset: LoadedDataset;
  batchOptions: BatchOptions;
  /** Set when fine-tuning trains on cached trunk activations. */
  trunk: TrunkPlan | null;
  /** Memory for one kind of cache (train + validation rows). */
  budgetBytes: number;
  batchSize: number;
  progress: ProgressReporter;
  /** Checked between batches; true stops caching with PredictionStopped. */
  shouldStop?: () => boolean | Promise<boolean>;
  log: { info(message: string): void };
  /** Splits the batches across data-parallel replicas. */
  parallel?: ParallelPredictor | null;
}

export class PhaseInputCache {
  private trunkRows: PhaseInputs | null = null;
  private featureRows: PhaseInputs | null = null;

  constructor(private readonly options: PhaseInputCacheOptions) {}

  /** The inputs of the phase about to begin, caching what it needs first (PredictionStopped on stop). */
  async onPhaseBegin(plan: PhasePlan): Promise<PhaseInputs> {
    let inputs: PhaseInputs = { train: null, val: null };
    if (plan.phase === 'frozen') inputs = this.featureRows ??= await this.cacheFeatures();
    else if (plan.phase === 'fine-tune' && this.options.trunk)
      inputs = this.trunkRows ??= await this.cacheTrunk();
    // Fine-tuning changes what the features would be: the frozen phase's cache is done with.
    if (plan.phase === 'fine-tune') this.featureRows = null;
    return inputs;
  }

  /** Lets the cached rows be garbage-collected (they are plain arrays, not tensors). */
  release(): void {
    this.trunkRows = null;
    this.featureRows = null;
  }

  private async cacheTrunk(): Promise<PhaseInputs> {
    const { trunk } = this.options;
    if (!trunk) throw new Error('no trunk to cache');
    return {
      train: await this.cacheSet('trunk', 'train', trunk.split.trunk),
      val: await this.cacheSet('trunk', 'val', trunk.split.trunk),
    };
  }

  private async cacheFeatures(): Promise<PhaseInputs> {
    const { built, trunk, config } = this.options;
    const extractor = built.transfer?.features;
    if (!extractor) throw new Error('no feature extractor');
    if (trunk) {
      const { train, val } = (this.trunkRows ??= await this.cacheTrunk());
      return {
        train: await this.cacheSet('features', 'train', trunk.features, train),
        val: await this.cacheSet('features', 'val', trunk.features, val),
      };
    }
    // Training features only without augmentation; validation features are reused every epoch.
    return {
      train: config.augment ? null : await this.cacheSet('features', 'train', extractor),
      val: await this.cacheSet('features', 'val', extractor),
    };
  }

  /**
   * Runs `model` once over the `which` set (its images, or the rows of `source`, a cache of the layers
   * below) and caches every output row.
   */
  private async cacheSet(
    kind: CacheKind,
    which: 'train' | 'val',
    model: tf.LayersModel,
    source: ActivationCache | null = null,
  ): Promise<ActivationCache> {
    const { dataset, batchOptions, budgetBytes, progress, log } = this.options;
    const set = dataset[which];
    const shape = (model.outputs[0]?.shape.slice(1) ?? []) as number[];
    const precision = cachePrecision(dataset.train.count + dataset.val.count, shape, budgetBytes);
    const makeInput = (indices: Int32Array) => {
      if (source) return gatherRows(source, indices);
      const { xs, ys } = makeBatch(set, indices, batchOptions);
      ys.dispose();
      return xs;
    };
    const startedAt = performance.now();
    const cache = await cacheActivations(
      model,
      set.count,
      this.options.batchSize,
      makeInput,
      precision,
      {
        shouldStop: this.options.shouldStop,
        parallel: this.options.parallel,
        onBatch: (done, total) =>
          progress.onCacheBatch({ kind, set: which, done, total, startedAt }),
      },
    );
    log.info(
      `cached ${kind} of ${set.count} ${which} images as ${precision} [${shape.join('×')}] in ` +
        `${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return cache;
  }
}
