/**
 * Filling activation caches: a frozen model run once over an image set (or over another cache), batch by
 * batch, with progress and a stop check between batches. Also where fine-tuning's trunk cache is planned.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ConvlabModel } from '../models/build.ts';
import { splitModel, type ModelSplit } from '../models/split-model.ts';
import { forEachPredictedBatch, type ParallelPredictor } from '../evaluation/evaluate.ts';
import {
  createActivationCache,
  writeRows,
  type ActivationCache,
  type CachePrecision,
} from './activation-cache.ts';

export type CacheKind = 'features' | 'trunk';

export interface CacheHooks {
  /** Checked before each batch; true stops (PredictionStopped). */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Images done so far of `total`, after each batch. */
  onBatch?: (done: number, total: number) => void | Promise<void>;
  /** Splits the batches across data-parallel replicas. */
  parallel?: ParallelPredictor | null;
}

/** Runs `model` over `count` inputs made by `makeInput` and stores every output row. */
export async function cacheActivations(
  model: tf.LayersModel,
  count: number,
  batchSize: number,
  makeInput: (indices: Int32Array) => tf.Tensor,
  precision: CachePrecision,
  hooks: CacheHooks = {},
): Promise<ActivationCache> {
  const shape = (model.outputs[0]?.shape.slice(1) ?? []) as number[];
  if (shape.some((d) => !(d > 0))) throw new Error(`cacheActivations: unknown output shape`);
  const cache = createActivationCache(count, shape, precision);
  await forEachPredictedBatch(
    model,
    count,
    batchSize,
    makeInput,
    async (values, firstRow, rows) => {
      writeRows(cache, firstRow, values);
      await hooks.onBatch?.(firstRow + rows, count);
    },
    { shouldStop: hooks.shouldStop, parallel: hooks.parallel },
  );
  return cache;
}

/** Fine-tuning on cached trunk activations: the split and the models above it. */
export interface TrunkPlan {
  split: ModelSplit;
  /** Cached trunk output → pooled features (what the frozen head trains on). */
  features: tf.LayersModel;
  /** Cached trunk output → class probabilities (what fine-tuning trains). */
  predictions: tf.LayersModel;
}

/**
 * Where fine-tuning can train on cached trunk activations: below the first fine-tuned layer everything
 * is a fixed function of the image, unless augmentation changes the images every epoch. Null when the
 * run does not fine-tune, augments, or no single tensor crosses below the fine-tuned layers.
 */
export function planTrunkCache(
  built: ConvlabModel,
  fineTuneLayers: number,
  augment: boolean,
): TrunkPlan | null {
  const transfer = built.transfer;
  if (!transfer || fineTuneLayers <= 0 || augment) return null;
  const first =
    transfer.backboneLayers[Math.max(0, transfer.backboneLayers.length - fineTuneLayers)];
  const firstIndex = first ? built.model.layers.indexOf(first) : -1;
  if (firstIndex < 1) return null;
  const poolingLayer = transfer.features.outputs[0]?.sourceLayer.name;
  const outputLayer = built.model.outputs[0]?.sourceLayer.name;
  if (!poolingLayer || !outputLayer) return null;
  const split = splitModel(built.model, firstIndex, [poolingLayer, outputLayer]);
  if (!split) return null;
  const [features, predictions] = split.tops as [tf.LayersModel, tf.LayersModel];
  return { split, features, predictions };
}
