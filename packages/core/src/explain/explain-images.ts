/**
 * Grad-CAM for pictures as a run's dataset stores them: the CLI's `predict --explain`, the dashboard's
 * uploads and test images, and the heatmaps stored with a run's most confident mistakes (grad-cam.json).
 * Images go through exactly what prediction and evaluation feed the model (testBatchInput).
 */
import type * as tf from '@tensorflow/tfjs';
import type { GradCamFile } from '../contracts/grad-cam-file.ts';
import type { MisclassifiedExample } from '../contracts/run-report.ts';
import { encodeImagePng } from '../data/image-encode.ts';
import type { ImageSet } from '../data/types.ts';
import { testBatchInput } from '../evaluation/evaluate.ts';
import { storedImageSet, type PredictionConfig } from '../evaluation/predict.ts';
import { gradCam, heatmapPeak } from './grad-cam.ts';
import { heatmapToBytes } from './heatmap-overlay.ts';

/** One class's map for one image. */
export interface ClassHeatmap {
  classIndex: number;
  label: string;
  /** The model's probability of that class for the image. */
  probability: number;
  /** 0–1, row-major at the model's input resolution. */
  map: Float32Array;
  /** Where the map peaks, as fractions of its width and height. */
  peak: { x: number; y: number };
}

export interface Explanations {
  layer: string;
  width: number;
  height: number;
  /** Per image, one map per requested class, in the order asked. */
  images: ClassHeatmap[][];
}

/** At most this many image × class maps are computed in one batch (bounded memory at 224 px). */
const PAIRS_PER_BATCH = 16;

/**
 * Grad-CAM maps of images of `set` (indices into it) for the classes asked per image (`classesOf`
 * gets each image's probabilities, so callers may pick the predicted class).
 */
export async function explainSetImages(
  model: tf.LayersModel,
  set: ImageSet,
  indices: readonly number[],
  config: Pick<PredictionConfig, 'inputSize' | 'inputScaling'>,
  classNames: readonly string[],
  classesOf: (probabilities: Float32Array, position: number) => number[],
): Promise<Explanations> {
  const makeInput = testBatchInput(set, {
    inputSize: config.inputSize,
    scaling: config.inputScaling,
  });
  const numClasses = classNames.length;
  const probabilities = await predictRows(model, makeInput, indices, numClasses);
  const pairs = indices.flatMap((image, position) =>
    classesOf(probabilities[position]!, position).map((classIndex) => ({
      image,
      position,
      classIndex,
    })),
  );
  const images: ClassHeatmap[][] = indices.map(() => []);
  let layer = '';
  let width = config.inputSize;
  let height = config.inputSize;
  for (let start = 0; start < pairs.length; start += PAIRS_PER_BATCH) {
    const batch = pairs.slice(start, start + PAIRS_PER_BATCH);
    const input = makeInput(Int32Array.from(batch, (pair) => pair.image)) as tf.Tensor4D;
    try {
      const result = await gradCam(
        model,
        input,
        batch.map((pair) => pair.classIndex),
      );
      ({ layer, width, height } = result);
      batch.forEach((pair, i) => {
        const map = result.maps[i]!;
        images[pair.position]!.push({
          classIndex: pair.classIndex,
          label: classNames[pair.classIndex] ?? String(pair.classIndex),
          probability: probabilities[pair.position]![pair.classIndex] ?? 0,
          map,
          peak: heatmapPeak(map, width, height),
        });
      });
    } finally {
      input.dispose();
    }
  }
  return { layer, width, height, images };
}

async function predictRows(
  model: tf.LayersModel,
  makeInput: (indices: Int32Array) => tf.Tensor,
  indices: readonly number[],
  numClasses: number,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += PAIRS_PER_BATCH) {
    const input = makeInput(Int32Array.from(indices.slice(start, start + PAIRS_PER_BATCH)));
    const output = model.predict(input) as tf.Tensor;
    input.dispose();
    const values = await output.data();
    output.dispose();
    for (let i = 0; i * numClasses < values.length; i++)
      rows.push(Float32Array.from(values.subarray(i * numClasses, (i + 1) * numClasses)));
  }
  return rows;
}

/** The most probable class of a probability row (ties: the lower index). */
export function predictedClass(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < probabilities.length; c++)
    if ((probabilities[c] ?? 0) > (probabilities[best] ?? 0)) best = c;
  return best;
}

/**
 * Grad-CAM of stored-shape images (as decodeForPrediction makes them): the predicted class, then each
 * of `extraClasses` (e.g. the true class when it is known and differs).
 */
export async function explainStoredImages(
  model: tf.LayersModel,
  config: PredictionConfig,
  classNames: readonly string[],
  images: readonly Uint8Array[],
  extraClasses: readonly (number | null)[] = [],
): Promise<Explanations> {
  const set = storedImageSet(config, images, classNames.length);
  return explainSetImages(
    model,
    set,
    images.map((_, i) => i),
    config,
    classNames,
    (probabilities, position) => {
      const predicted = predictedClass(probabilities);
      const extra = extraClasses[position];
      return extra === null || extra === undefined || extra === predicted
        ? [predicted]
        : [predicted, extra];
    },
  );
}

/** How many of the most confident mistakes get stored heatmaps. */
export const GRAD_CAM_GALLERY_SIZE = 12;

/**
 * grad-cam.json for a finished run: the predicted and the true class's maps of its most confident
 * mistakes, with each image as the dataset stores it.
 */
export async function galleryGradCam(
  model: tf.LayersModel,
  test: ImageSet,
  misclassified: readonly MisclassifiedExample[],
  config: Pick<PredictionConfig, 'inputSize' | 'inputScaling'>,
  classNames: readonly string[],
): Promise<GradCamFile> {
  const shown = misclassified.slice(0, GRAD_CAM_GALLERY_SIZE);
  const index = (label: string) => Math.max(0, classNames.indexOf(label));
  const explained = await explainSetImages(
    model,
    test,
    shown.map((m) => m.index),
    config,
    classNames,
    (_, position) => [index(shown[position]!.predictedLabel), index(shown[position]!.trueLabel)],
  );
  return {
    layer: explained.layer || 'none',
    width: explained.width,
    height: explained.height,
    entries: shown.map((mistake, position) => ({
      index: mistake.index,
      trueLabel: mistake.trueLabel,
      predictedLabel: mistake.predictedLabel,
      image: encodeImagePng(test, mistake.index).toString('base64'),
      maps: explained.images[position]!.map((heat) => ({
        classIndex: heat.classIndex,
        label: heat.label,
        probability: Math.min(1, Math.max(0, heat.probability)),
        heatmap: Buffer.from(heatmapToBytes(heat.map)).toString('base64'),
        peak: heat.peak,
      })),
    })),
  };
}
