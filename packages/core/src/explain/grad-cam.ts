/**
 * Grad-CAM (Selvaraju et al., ICCV 2017): where in an image a model found the evidence for a class.
 * The class's pre-softmax score is differentiated with respect to the last convolutional feature map
 * before pooling; each channel is weighted by its mean gradient, the weighted channels are summed and
 * rectified, and the map is upsampled to the model's input resolution and scaled to 0–1.
 *
 * Works for every preset (the CNNs' last conv map; MobileNetV2's 1280-channel `out_relu`) on every
 * backend: tensors are read asynchronously and every one is disposed.
 */
import * as tf from '@tensorflow/tfjs';
import { splitModel } from '../models/split-model.ts';

/** Layers that change values but not the feature map's grid: the map may be taken after them. */
const ELEMENTWISE_LAYERS = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'BatchNormalization',
  'FastBatchNormalization',
]);

/** The model cut where the Grad-CAM feature map crosses, and how to get class scores above it. */
export interface GradCamModel {
  /** The layer whose output is the feature map. */
  layer: string;
  /** Image → feature map [n, h, w, k]. */
  trunk: tf.LayersModel;
  /** Feature map → the classifier's input (when `classifier` is set) or the class probabilities. */
  top: tf.LayersModel;
  /** The final softmax Dense layer, applied by hand for pre-softmax scores; null: scores are `top`'s. */
  classifier: tf.layers.Layer | null;
  /** The model's input size (square). */
  inputSize: number;
}

function isRank4(shape: tf.Shape | tf.Shape[]): shape is tf.Shape {
  return !Array.isArray(shape[0]) && (shape as tf.Shape).length === 4;
}

function spatial(layer: tf.layers.Layer): [number | null, number | null] | null {
  const shape = layer.outputShape;
  if (!isRank4(shape)) return null;
  return [shape[1] ?? null, shape[2] ?? null];
}

/**
 * The index of the layer whose output Grad-CAM weighs: the last convolution's output, carried past the
 * batch-norm and activation layers that follow it on the same grid (so the map is the rectified one the
 * classifier pools). Throws when the model has no 2-D convolution.
 */
export function gradCamLayerIndex(model: tf.LayersModel): number {
  const layers = model.layers;
  let conv = -1;
  layers.forEach((layer, i) => {
    if (/Conv2D$/.test(layer.getClassName()) && spatial(layer)) conv = i;
  });
  if (conv < 0) throw new Error('Grad-CAM needs a model with a convolutional layer');
  const grid = spatial(layers[conv]!)!;
  let index = conv;
  while (index + 1 < layers.length) {
    const next = layers[index + 1]!;
    const nextGrid = spatial(next);
    if (!ELEMENTWISE_LAYERS.has(next.getClassName()) || !nextGrid) break;
    if (nextGrid[0] !== grid[0] || nextGrid[1] !== grid[1]) break;
    index++;
  }
  return index;
}

/** The last layer, when it is a Dense layer with a softmax: its scores are taken before the softmax. */
function softmaxClassifier(model: tf.LayersModel): tf.layers.Layer | null {
  const last = model.layers.at(-1);
  if (!last || last.getClassName() !== 'Dense') return null;
  const config = last.getConfig();
  return config.activation === 'softmax' ? last : null;
}

// Splitting adds nodes to the shared layers: once per model, however many times it is explained.
const splits = new WeakMap<tf.LayersModel, GradCamModel>();

/** The model cut for Grad-CAM (cached per model; it shares the model's layers and weights). */
export function gradCamModel(model: tf.LayersModel): GradCamModel {
  const cached = splits.get(model);
  if (cached) return cached;
  const index = gradCamLayerIndex(model);
  const layers = model.layers;
  const classifier = softmaxClassifier(model);
  const output = classifier ? layers.at(-2) : layers.at(-1);
  if (!output || output === layers[index])
    throw new Error('Grad-CAM: nothing above the feature map');
  const split = splitModel(model, index + 1, [output.name]);
  if (!split || split.firstTopLayer !== index + 1 || !split.tops[0])
    throw new Error(`Grad-CAM: the model cannot be cut after ${layers[index]!.name}`);
  const inputShape = model.inputs[0]?.shape ?? [];
  const built: GradCamModel = {
    layer: layers[index]!.name,
    trunk: split.trunk,
    top: split.tops[0],
    classifier,
    inputSize: inputShape[1] ?? 0,
  };
  splits.set(model, built);
  return built;
}

/** Pre-softmax class scores [n, classes] from the feature map. */
function classScores(cut: GradCamModel, featureMap: tf.Tensor): tf.Tensor2D {
  const above = cut.top.apply(featureMap, { training: false }) as tf.Tensor;
  if (!cut.classifier) return above as tf.Tensor2D;
  const [kernel, bias] = cut.classifier.getWeights();
  const logits = tf.matMul(above, kernel as tf.Tensor2D);
  return (bias ? logits.add(bias) : logits) as tf.Tensor2D;
}

export interface GradCamResult {
  /** The layer whose feature map was weighed. */
  layer: string;
  /** Each map's size: the model's input resolution. */
  width: number;
  height: number;
  /** One map per image, row-major height × width, scaled so its maximum is 1 (all 0 when no evidence). */
  maps: Float32Array[];
}

/**
 * Grad-CAM maps of a batch of model inputs (already scaled and resized, [n, size, size, 3]) for one
 * class per image. Does not dispose `inputs`.
 */
export async function gradCam(
  model: tf.LayersModel,
  inputs: tf.Tensor4D,
  classIndices: readonly number[],
): Promise<GradCamResult> {
  const cut = gradCamModel(model);
  const [count, height, width] = inputs.shape;
  if (classIndices.length !== count)
    throw new Error(`gradCam: ${classIndices.length} classes for ${count} images`);
  const numClasses = model.outputs[0]?.shape[1] ?? 0;
  for (const c of classIndices) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses)
      throw new RangeError(`gradCam: class ${c} is outside 0–${numClasses - 1}`);
  }
  const heatmaps = tf.tidy(() => {
    const featureMap = cut.trunk.apply(inputs, { training: false }) as tf.Tensor4D;
    const target = tf.oneHot(tf.tensor1d(classIndices as number[], 'int32'), numClasses);
    const score = (map: tf.Tensor) => classScores(cut, map).mul(target).sum();
    const gradients = tf.grad(score)(featureMap) as tf.Tensor4D;
    const channelWeights = gradients.mean([1, 2], true);
    const cam = tf.relu(featureMap.mul(channelWeights).sum(3, true)) as tf.Tensor4D;
    const resized = tf.image.resizeBilinear(cam, [height, width]);
    const peak = resized.max([1, 2, 3], true);
    // A map with no positive evidence stays 0 rather than dividing by 0.
    return resized.div(tf.maximum(peak, 1e-12)).reshape([count, height * width]);
  });
  const values = await heatmaps.data();
  heatmaps.dispose();
  const size = height * width;
  return {
    layer: cut.layer,
    width,
    height,
    maps: Array.from({ length: count }, (_, i) =>
      Float32Array.from(values.subarray(i * size, (i + 1) * size)),
    ),
  };
}

/** Where a map is highest, as fractions of its width and height (the pixel's centre). */
export function heatmapPeak(
  map: ArrayLike<number>,
  width: number,
  height: number,
): { x: number; y: number } {
  if (map.length !== width * height)
    throw new Error(`heatmapPeak: ${map.length} values for ${width}×${height}`);
  let best = 0;
  for (let i = 1; i < map.length; i++) if ((map[i] ?? 0) > (map[best] ?? 0)) best = i;
  return { x: ((best % width) + 0.5) / width, y: (Math.floor(best / width) + 0.5) / height };
}
