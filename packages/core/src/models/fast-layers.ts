/**
 * tf.layers classes with faster training paths. Each is the stock class (same weights, config and
 * serialised class name, so saved models load as plain Keras/tfjs layers) with a different `call`:
 * - `FastBatchNormalization` runs the fused batch-norm kernels in training where the backend has them
 *   (see backend/wasm-kernels/batch-norm.ts); inference, other backends and non-last-axis norms take the
 *   stock path.
 * - `LeanConv2D`: tf.layers always calls tf.fused.conv2d, whose gradient computes the input gradient
 *   too, even where nothing needs it (a network's first trainable layer; the first layer above a cached
 *   trunk). Without an activation it uses tf.conv2d (plus a bias add when training a layer that has a
 *   bias), whose gradient computes the input gradient only on demand: a whole convolution saved.
 *   Frozen layers and inference keep the fused kernel.
 */
import * as tf from '@tensorflow/tfjs';
import {
  batchNormTraining,
  hasBatchNormTrainingKernel,
} from '../backend/wasm-kernels/batch-norm.ts';

type BatchNormalizationArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** The class of a layer instance (tf.layers' classes are not exported by name). */
function classOf<Args>(layer: tf.layers.Layer): new (args: Args) => tf.layers.Layer {
  return layer.constructor as new (args: Args) => tf.layers.Layer;
}
const StockBatchNormalization = classOf<BatchNormalizationArgs>(tf.layers.batchNormalization({}));
const StockConv2D = classOf<Conv2DArgs>(tf.layers.conv2d({ filters: 1, kernelSize: 1 }));

interface LayerVariable {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The stock layer's private fields that its training path uses. */
interface BatchNormState {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma?: LayerVariable;
  beta?: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

export class FastBatchNormalization extends StockBatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const state = this as unknown as BatchNormState;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = x !== undefined && (state.axis === -1 || state.axis === x.rank - 1);
    const fast =
      kwargs.training === true &&
      x?.dtype === 'float32' &&
      lastAxis &&
      hasBatchNormTrainingKernel();
    const { gamma, beta } = state;
    if (!fast || !x || !gamma || !beta) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(x, gamma.read(), beta.read(), state.epsilon);
      // The moving statistics, updated exactly as the stock layer does it.
      const decay = 1 - state.momentum;
      for (const [variable, value] of [
        [state.movingMean, mean],
        [state.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const original = variable.read();
          variable.write(tf.sub(original, tf.mul(tf.sub(original, value), decay)));
        });
      }
      return y;
    });
  }
}

/** A BatchNormalization layer that trains on the fused kernels where it can. */
export function fastBatchNormalization(args: BatchNormalizationArgs): tf.layers.Layer {
  return new FastBatchNormalization(args);
}

/** The stock Conv2D's private fields that the lean path needs. */
interface Conv2DState {
  rank: number;
  kernel: LayerVariable;
  bias: LayerVariable | null;
  strides: [number, number];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
  activation: { getClassName(): string };
}

export class LeanConv2D extends StockConv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const state = this as unknown as Conv2DState;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const bias = state.bias;
    const lean =
      x?.rank === 4 &&
      state.rank === 2 &&
      state.activation.getClassName() === 'linear' &&
      state.dataFormat === 'channelsLast' &&
      state.padding !== 'causal' &&
      (bias === null || (kwargs.training === true && this.trainable));
    if (!lean) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const y = tf.conv2d(
        x as tf.Tensor4D,
        state.kernel.read() as tf.Tensor4D,
        state.strides,
        state.padding as 'valid' | 'same',
        'NHWC',
        state.dilationRate,
      );
      return bias ? tf.add(y, bias.read()) : y;
    });
  }
}

/** A Conv2D layer whose linear form trains without unneeded input gradients. */
export function leanConv2d(args: Conv2DArgs): tf.layers.Layer {
  return new LeanConv2D(args);
}
