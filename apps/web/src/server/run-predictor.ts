/**
 * Predictions in the dashboard's server: a completed run's model applied to uploaded pictures or to a
 * few of its own test images, through core's imageForPrediction/predictStoredImages (exactly what the
 * CLI's `convlab predict` runs). Models are loaded once per run and kept in a small LRU cache whose
 * evicted models are disposed; predictions run one at a time so a burst of uploads queues instead of
 * loading many models at once on a 2-core host. Uploads are decoded in worker threads (decode-pool.ts)
 * inside their turn, so the queue stays full — and further requests are refused — while they decode.
 * Each prediction says whether its image looks unlike the run's test images (core's assessInput,
 * against the input reference in the run's report.json).
 */
import {
  decodeForPrediction,
  explainSetImages,
  explainStoredImages,
  initBackend,
  overlayPng,
  inputReferenceFromReportFile,
  loadLayersModelFromFiles,
  predictImages,
  storedImageSet,
  storedImageShape,
  type ImageLimits,
  type ImagePrediction,
} from '@convlab/core';
import type { InputReference, RunConfig } from '@convlab/core/contracts';
import { readRunModelFiles, readRunModelInfo, type PrismaClient } from '@convlab/db';
import { TRPCError } from '@trpc/server';
import type * as tf from '@tensorflow/tfjs';
import { decodePool } from './decode-pool.ts';
import { LruCache } from './lru-cache.ts';

export const MAX_CACHED_MODELS = 3;
export const PREDICT_TOP_K = 5;

interface LoadedRunModel {
  model: tf.LayersModel;
  config: RunConfig;
  classNames: string[];
  /** What the run's test images look like (null for runs that finished before it was recorded). */
  inputReference: InputReference | null;
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

/** Predictions waiting or running; past this a request is refused rather than held in memory. */
export const MAX_QUEUED_PREDICTIONS = 4;
let queue: Promise<unknown> = Promise.resolve();
let queued = 0;

/** Runs `task` after every prediction queued before it (TOO_MANY_REQUESTS when too many wait). */
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  if (queued >= MAX_QUEUED_PREDICTIONS) {
    return Promise.reject(
      new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: 'the server is busy with other predictions; try again in a moment',
      }),
    );
  }
  queued++;
  const result = queue.then(task, task).finally(() => queued--);
  queue = result.catch(() => undefined);
  return result;
}

/** Why a stored model cannot be used, for any reader; the details go to the server's log. */
function modelUnusable(runId: string, error: unknown): TRPCError {
  console.error(`model of run ${runId}:`, error);
  return new TRPCError({ code: 'CONFLICT', message: "the run's model cannot be loaded" });
}

async function runModel(db: PrismaClient, runId: string): Promise<LoadedRunModel> {
  const info = await readRunModelInfo(db, runId);
  // A run deleted and re-created, or re-trained, has another finish time: never serve the old model.
  const key = `${runId}@${info.finishedAt?.toISOString() ?? ''}`;
  const cached = models.get(key);
  if (cached) return cached;
  await initBackend();
  const loading = readRunModelFiles(db, runId).then(async (source) => {
    let model: tf.LayersModel;
    try {
      // Loads run inside oneAtATime's turn, one at a time and with no prediction beside them: what
      // loadLayersModelFromFiles needs to free exactly the load's tensors when it fails.
      model = await loadLayersModelFromFiles(source.files);
    } catch (error) {
      throw modelUnusable(runId, error);
    }
    const outputs = model.outputs[0]?.shape[1];
    if (outputs !== source.classNames.length || outputs < 2) {
      model.dispose();
      throw modelUnusable(
        runId,
        new Error(`${outputs ?? '?'} outputs for ${source.classNames.length} class names`),
      );
    }
    // Without a reference (older run, unreadable report.json) predictions still come, unassessed.
    const inputReference = inputReferenceFromReportFile(
      source.reportFile,
      storedImageShape(source.config),
    );
    return { model, config: source.config, classNames: source.classNames, inputReference };
  });
  loading.catch(() => models.delete(key));
  models.set(key, loading);
  return loading;
}

/** A Grad-CAM overlay of one class on one image. */
export interface HeatmapOverlay {
  classIndex: number;
  label: string;
  probability: number;
  /** Where the map peaks, as fractions of the width and height. */
  peak: { x: number; y: number };
  /** The image with the heatmap over it, a PNG (base64). */
  png: string;
}

export interface PredictionResult {
  backend: string;
  classNames: string[];
  /** With `heatmaps` (null for a refused image) when explanations were asked for. */
  predictions: (ImagePrediction & { heatmaps?: HeatmapOverlay[] | null })[];
}

/**
 * Grad-CAM overlays for the images that were predicted: the predicted class, then the true class
 * where it is known and differs.
 */
async function heatmapOverlays(
  loaded: LoadedRunModel,
  inputs: (Uint8Array | string)[],
  trueClasses: readonly (number | null)[],
): Promise<(HeatmapOverlay[] | null)[]> {
  const positions = inputs.flatMap((input, i) => (typeof input === 'string' ? [] : [i]));
  if (positions.length === 0) return inputs.map(() => null);
  const images = positions.map((i) => inputs[i] as Uint8Array);
  const explained = await explainStoredImages(
    loaded.model,
    loaded.config,
    loaded.classNames,
    images,
    positions.map((i) => trueClasses[i] ?? null),
  );
  const { size, channels } = storedImageShape(loaded.config);
  const result: (HeatmapOverlay[] | null)[] = inputs.map(() => null);
  positions.forEach((position, k) => {
    const image = { pixels: images[k]!, width: size, height: size, channels };
    result[position] = (explained.images[k] ?? []).map((heat) => ({
      classIndex: heat.classIndex,
      label: heat.label,
      probability: heat.probability,
      peak: heat.peak,
      png: overlayPng(image, heat.map, explained.width, explained.height).toString('base64'),
    }));
  });
  return result;
}

/**
 * The run's model on `images(config)`: stored-shape images, or for each image refused on the way the
 * reason (which comes back as its error). With `explain`, each prediction also gets its Grad-CAM
 * overlays (`explain` holds each image's true class, or null where it is unknown). Queued behind other
 * predictions.
 */
function predictWithRunModel(
  db: PrismaClient,
  runId: string,
  images: (config: RunConfig) => Promise<(Uint8Array | string)[]>,
  explain: readonly (number | null)[] | null,
): Promise<PredictionResult> {
  return oneAtATime(async () => {
    const loaded = await runModel(db, runId);
    const { model, config, classNames, inputReference } = loaded;
    const inputs = await images(config);
    const predictions = await predictImages(
      model,
      config,
      classNames,
      inputs,
      PREDICT_TOP_K,
      inputReference,
    );
    const heatmaps = explain ? await heatmapOverlays(loaded, inputs, explain) : null;
    return {
      backend: (await initBackend()).backend,
      classNames,
      predictions: heatmaps
        ? predictions.map((prediction, i) => ({ ...prediction, heatmaps: heatmaps[i] ?? null }))
        : predictions,
    };
  });
}

/** Top classes and every probability for each image's file bytes (PNG or JPEG). */
export function predictImageFiles(
  db: PrismaClient,
  runId: string,
  files: Uint8Array[],
  limits: ImageLimits,
  explain = false,
): Promise<PredictionResult> {
  return predictWithRunModel(
    db,
    runId,
    (config) =>
      Promise.all(
        files.map((bytes) => decodeForPrediction(bytes, config, limits, decodePool.decode)),
      ),
    explain ? files.map(() => null) : null,
  );
}

/** Predictions for images already in the dataset's stored shape (the run's own test images). */
export function predictStoredTestImages(
  db: PrismaClient,
  runId: string,
  images: Uint8Array[],
  explain: readonly (number | null)[] | null = null,
): Promise<PredictionResult> {
  return predictWithRunModel(db, runId, () => Promise.resolve(images), explain);
}

/**
 * Grad-CAM overlays of one stored-shape test image for the given classes (the dashboard's confusion-
 * cell images, whose maps are not stored with the run), queued like predictions.
 */
export function explainStoredTestImage(
  db: PrismaClient,
  runId: string,
  image: Uint8Array,
  classIndex: number,
): Promise<HeatmapOverlay> {
  return oneAtATime(async () => {
    const loaded = await runModel(db, runId);
    if (classIndex >= loaded.classNames.length)
      throw new TRPCError({ code: 'BAD_REQUEST', message: `no class ${classIndex} in this run` });
    const explained = await explainSetImages(
      loaded.model,
      storedImageSet(loaded.config, [image], loaded.classNames.length),
      [0],
      loaded.config,
      loaded.classNames,
      () => [classIndex],
    );
    const heat = explained.images[0]?.[0];
    if (!heat) throw new Error('no heatmap for the class');
    const { size, channels } = storedImageShape(loaded.config);
    const png = overlayPng(
      { pixels: image, width: size, height: size, channels },
      heat.map,
      explained.width,
      explained.height,
    );
    const { label, probability, peak } = heat;
    return { classIndex, label, probability, peak, png: png.toString('base64') };
  });
}

/** Disposes every cached model (tests; a server never needs to). */
export async function clearModelCache(): Promise<void> {
  models.clear();
  await Promise.all([...disposing]);
}
