/**
 * The models the bench runs. seed-cnn is defined here exactly as the preset describes it until core's
 * model zoo (`buildModel`) lands; then the bench should build it through core so it measures what users run.
 */
import * as tf from '@tensorflow/tfjs';

export function buildSeedCnn(inputSize = 32, classes = 10): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [inputSize, inputSize, 3],
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 512, activation: 'relu' }),
      tf.layers.dense({ units: classes, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

export function randomBatch(
  batch: number,
  inputSize = 32,
  classes = 10,
): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.randomUniform([batch, inputSize, inputSize, 3], 0, 1, 'float32', 7),
    y: tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 8), classes).toFloat(),
  }));
}
