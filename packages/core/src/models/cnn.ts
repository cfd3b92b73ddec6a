/**
 * The from-scratch CNN presets. Every weight initialiser gets a seed derived from the run's seed, so the
 * same config builds the same initial weights. Layers carry explicit names so checkpoints load by name.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random.ts';

export interface CnnOptions {
  inputSize: number;
  numClasses: number;
  seed: number;
  /** cnn-plus only: dropout rate after each block and in the head. */
  dropout?: number;
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

export const CNN_PLUS_FILTERS = [32, 64, 128] as const;
export const CNN_PLUS_DENSE_UNITS = 256;

/**
 * Three blocks of (Conv→BN→ReLU)×2 → MaxPool → Dropout, then Flatten→Dense(256)→Dropout→Dense(classes).
 * Batch norm lets it train fast at Adam 1e-3; dropout plus augmentation keep it from overfitting.
 */
export function buildCnnPlus({
  inputSize,
  numClasses,
  seed,
  dropout = 0.3,
}: CnnOptions): tf.Sequential {
  const model = tf.sequential({ name: 'cnn_plus' });
  CNN_PLUS_FILTERS.forEach((filters, b) => {
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
      model.add(tf.layers.batchNormalization({ name: `block${b + 1}_bn${c}` }));
      model.add(tf.layers.reLU({ name: `block${b + 1}_relu${c}` }));
    }
    model.add(tf.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2 }));
    model.add(tf.layers.dropout({ name: `block${b + 1}_dropout`, rate: dropout }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(dense('dense1', CNN_PLUS_DENSE_UNITS, 'relu', seed));
  model.add(tf.layers.dropout({ name: 'head_dropout', rate: dropout }));
  model.add(dense('predictions', numClasses, 'softmax', seed));
  return model;
}
