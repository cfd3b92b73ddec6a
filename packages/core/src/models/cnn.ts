/**
 * The from-scratch CNN presets. Every weight initialiser gets a seed derived from the run's seed, so the
 * same config builds the same initial weights. Layers carry explicit names so checkpoints load by name.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random.ts';
import { fastBatchNormalization, leanConv2d } from './fast-layers.ts';

export interface CnnOptions {
  inputSize: number;
  numClasses: number;
  seed: number;
  /** cnn-plus only: dropout rate (v1: after each block and in the head; v2: before the classifier). */
  dropout?: number;
  /** cnn-plus v2: L2 weight decay on conv and dense kernels (gradient + weightDecay·w). */
  weightDecay?: number;
}

function seededKernel(seed: number, layerName: string) {
  return tf.initializers.glorotUniform({ seed: deriveSeed(seed, `init:${layerName}`) });
}

function conv(name: string, filters: number, seed: number, extra: { inputShape?: number[] } = {}) {
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
    kernelInitializer: seededKernel(seed, name),
    ...extra,
  });
}

function dense(name: string, units: number, activation: 'relu' | 'softmax', seed: number) {
  return tf.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: seededKernel(seed, name),
  });
}

/** Conv→Pool→Conv→Pool→Flatten→Dense(relu)→Dense(softmax): the lab's architecture at any width. */
function buildTwoBlockCnn(
  name: string,
  [filters1, filters2]: readonly [number, number],
  denseUnits: number,
  { inputSize, numClasses, seed }: CnnOptions,
): tf.Sequential {
  const model = tf.sequential({ name });
  model.add(conv('conv1', filters1, seed, { inputShape: [inputSize, inputSize, 3] }));
  model.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(conv('conv2', filters2, seed));
  model.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(dense('dense1', denseUnits, 'relu', seed));
  model.add(dense('predictions', numClasses, 'softmax', seed));
  return model;
}

/** The lab's CNN: Conv(32)→Pool→Conv(64)→Pool→Flatten→Dense(512)→Dense(classes). */
export function buildSeedCnn(options: CnnOptions): tf.Sequential {
  return buildTwoBlockCnn('seed_cnn', [32, 64], 512, options);
}

/** A CNN small enough to train in seconds: for smoke tests and demos. */
export function buildTinyCnn(options: CnnOptions): tf.Sequential {
  return buildTwoBlockCnn('tiny_cnn', [8, 16], 32, options);
}

export const CNN_PLUS_V1_FILTERS = [32, 64, 128] as const;
export const CNN_PLUS_V1_DENSE_UNITS = 256;

/**
 * cnn-plus v1 (kept so runs queued before v2 still train and resume): three blocks of
 * (Conv→BN→ReLU)×2 → MaxPool → Dropout, then Flatten→Dense(256)→Dropout→Dense(classes).
 */
export function buildCnnPlusV1({
  inputSize,
  numClasses,
  seed,
  dropout = 0.3,
}: CnnOptions): tf.Sequential {
  const model = tf.sequential({ name: 'cnn_plus' });
  CNN_PLUS_V1_FILTERS.forEach((filters, b) => {
    for (let c = 1; c <= 2; c++) {
      const name = `block${b + 1}_conv${c}`;
      model.add(
        tf.layers.conv2d({
          name,
          filters,
          kernelSize: 3,
          padding: 'same',
          kernelInitializer: seededKernel(seed, name),
          ...(b === 0 && c === 1 ? { inputShape: [inputSize, inputSize, 3] } : {}),
        }),
      );
      model.add(fastBatchNormalization({ name: `block${b + 1}_bn${c}` }));
      model.add(tf.layers.reLU({ name: `block${b + 1}_relu${c}` }));
    }
    model.add(tf.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2 }));
    model.add(tf.layers.dropout({ name: `block${b + 1}_dropout`, rate: dropout }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(dense('dense1', CNN_PLUS_V1_DENSE_UNITS, 'relu', seed));
  model.add(tf.layers.dropout({ name: 'head_dropout', rate: dropout }));
  model.add(dense('predictions', numClasses, 'softmax', seed));
  return model;
}

export const CNN_PLUS_WIDTHS = [32, 64, 64] as const;
/** The whitening stem: a 2×2 convolution with one filter per principal direction of 2×2 patches, ±. */
export const WHITENING_LAYER = 'whiten';
export const WHITENING_PATCH = 2;

/**
 * cnn-plus v2, after Keller Jordan's airbench: a frozen 2×2 patch-whitening convolution (its weights come
 * from the training images, see patch-whitening.ts) → ReLU, then three blocks of
 * Conv→MaxPool→BN→ReLU→Conv→BN→ReLU (32, 64, 64 filters, no conv biases: batch norm has them), global
 * max pooling and a bias-free softmax classifier. ~17M multiply-adds per 32×32 image, 1/2.3 of cnn-plus
 * v1's, for more accuracy in fewer epochs.
 */
export function buildCnnPlus({
  inputSize,
  numClasses,
  seed,
  dropout = 0,
  weightDecay = 0,
}: CnnOptions): tf.Sequential {
  // Uniform in ±1/√fan_in (PyTorch's default for conv and linear layers; the recipe was tuned with it):
  // with batch norm after every conv, the weights' scale sets the effective learning rate.
  const initializer = (name: string) =>
    tf.initializers.varianceScaling({
      scale: 1 / 3,
      mode: 'fanIn',
      distribution: 'uniform',
      seed: deriveSeed(seed, `init:${name}`),
    });
  // Keras's L2 adds λ·Σw² to the loss, so λ = weightDecay / 2 gives SGD's weightDecay·w gradient.
  const regularizer = () =>
    weightDecay > 0 ? tf.regularizers.l2({ l2: weightDecay / 2 }) : undefined;
  const convolution = (name: string, filters: number) =>
    leanConv2d({
      name,
      filters,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: initializer(name),
      kernelRegularizer: regularizer(),
    });
  const batchNorm = (name: string) =>
    fastBatchNormalization({ name, momentum: 0.9, epsilon: 1e-5 });
  const whiteningFilters = 2 * WHITENING_PATCH * WHITENING_PATCH * 3;
  const model = tf.sequential({ name: 'cnn_plus' });
  model.add(
    tf.layers.conv2d({
      name: WHITENING_LAYER,
      inputShape: [inputSize, inputSize, 3],
      filters: whiteningFilters,
      kernelSize: WHITENING_PATCH,
      padding: 'valid',
      useBias: false,
      trainable: false,
      // Replaced by the whitening filters before training; a seeded init keeps an un-whitened model valid.
      kernelInitializer: seededKernel(seed, WHITENING_LAYER),
    }),
  );
  model.add(tf.layers.reLU({ name: `${WHITENING_LAYER}_relu` }));
  CNN_PLUS_WIDTHS.forEach((filters, b) => {
    const block = `block${b + 1}`;
    model.add(convolution(`${block}_conv1`, filters));
    model.add(tf.layers.maxPooling2d({ name: `${block}_pool`, poolSize: 2 }));
    model.add(batchNorm(`${block}_bn1`));
    model.add(tf.layers.reLU({ name: `${block}_relu1` }));
    model.add(convolution(`${block}_conv2`, filters));
    model.add(batchNorm(`${block}_bn2`));
    model.add(tf.layers.reLU({ name: `${block}_relu2` }));
  });
  model.add(tf.layers.globalMaxPooling2d({ name: 'pool' }));
  if (dropout > 0) model.add(tf.layers.dropout({ name: 'head_dropout', rate: dropout }));
  model.add(
    tf.layers.dense({
      name: 'predictions',
      units: numClasses,
      activation: 'softmax',
      useBias: false,
      kernelInitializer: initializer('predictions'),
      kernelRegularizer: regularizer(),
    }),
  );
  return model;
}
