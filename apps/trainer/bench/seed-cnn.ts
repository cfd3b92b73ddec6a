/** seed-cnn as users run it: built by core's model zoo from the resolved preset config. */
import * as tf from '@tensorflow/tfjs';
import { buildModel, resolveRunConfig } from '@convlab/core';

export async function buildSeedCnn(): Promise<tf.LayersModel> {
  const built = await buildModel(resolveRunConfig({ preset: 'seed-cnn' }), 10);
  return built.model;
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
