/** A fixed random batch (images in [0,1), one-hot labels) for timing training steps. */
import * as tf from '@tensorflow/tfjs';

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
