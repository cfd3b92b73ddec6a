/**
 * Predictions in the dashboard's server: a completed run's model applied to uploaded pictures or to a
 * few of its own test images, through core's imageForPrediction/predictStoredImages (exactly what the
 * CLI's `convlab predict` runs). Models are loaded once per run and kept in a small LRU cache whose
 * evicted models are disposed; predictions run one at a time so a burst of uploads queues instead of
 * loading many models at once on a 2-core host.
 */
import {
  decodeForPrediction,
  initBackend,
  loadLayersModelFromFiles,
  predictImages,
  type ImageLimits,
  type ImagePrediction,
} from '@convlab/core';
import type { RunConfig } from '@convlab/core/schema';
import { readRunModelFiles, type PrismaClient } from '@convlab/db';
import type * as tf from '@tensorflow/tfjs';
import { LruCache } from './lru-cache.ts';

export const MAX_CACHED_MODELS = 3;
export const PREDICT_TOP_K = 5;

interface LoadedRunModel {
  model: tf.LayersModel;
  config: RunConfig;
  classNames: string[];
}

/** Disposals of evicted models that may still be loading. */
const disposing = new Set<Promise<void>>();
const models = new LruCache<string, Promise<LoadedRunModel>>(MAX_CACHED_MODELS, (loading) => {
  const disposal = loading.then(
    (loaded) => {
      loaded.model.dispose();
    },
    () => undefined,
  );
  disposing.add(disposal);
  void disposal.finally(() => disposing.delete(disposal));
});

let queue: Promise<unknown> = Promise.resolve();

/** Runs `task` after every prediction queued before it. */
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task, task);
  queue = result.catch(() => undefined);
  return result;
}

async function runModel(db: PrismaClient, runId: string): Promise<LoadedRunModel> {
  const source = await readRunModelFiles(db, runId);
  // A run deleted and re-created, or re-trained, has another finish time: never serve the old model.
  const key = `${runId}@${source.finishedAt?.toISOString() ?? ''}`;
  const cached = models.get(key);
  if (cached) return cached;
  await initBackend();
  const loading = loadLayersModelFromFiles(source.files).then((model) => ({
    model,
    config: source.config,
    classNames: source.classNames,
  }));
  loading.catch(() => models.delete(key));
  models.set(key, loading);
  return loading;
}

export interface PredictionResult {
  backend: string;
  classNames: string[];
  predictions: ImagePrediction[];
}

/** Top classes and every probability for each image's file bytes (PNG or JPEG). */
export function predictImageFiles(
  db: PrismaClient,
  runId: string,
  files: Uint8Array[],
  limits: ImageLimits,
): Promise<PredictionResult> {
  return oneAtATime(async () => {
    const { model, config, classNames } = await runModel(db, runId);
    const decoded = files.map((bytes) => decodeForPrediction(bytes, config, limits));
    return {
      backend: (await initBackend()).backend,
      classNames,
      predictions: await predictImages(model, config, classNames, decoded, PREDICT_TOP_K),
    };
  });
}

/** Predictions for images already in the dataset's stored shape (the run's own test images). */
export function predictStoredTestImages(
  db: PrismaClient,
  runId: string,
  images: Uint8Array[],
): Promise<PredictionResult> {
  return oneAtATime(async () => {
    const { model, config, classNames } = await runModel(db, runId);
    return {
      backend: (await initBackend()).backend,
      classNames,
      predictions: await predictImages(model, config, classNames, images, PREDICT_TOP_K),
    };
  });
}

/** Disposes every cached model (tests; a server never needs to). */
export async function clearModelCache(): Promise<void> {
  models.clear();
  await Promise.all([...disposing]);
}
