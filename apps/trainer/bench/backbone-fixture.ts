/**
 * A small MobileNetV2-shaped backbone with random weights, saved as a tfjs LayersModel folder: the layer
 * kinds and wiring the real one has (Conv2D + BatchNormalization + ReLU6, depthwise convolutions, an
 * inverted residual with its Add), so the transfer path (fusing, caching, fine-tuning) runs where the
 * pretrained weights of the shared assets folder are absent (CI's clean clone).
 */
import * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '@convlab/core';

function convBnRelu(
  x: tf.SymbolicTensor,
  name: string,
  conv: tf.layers.Layer,
  relu = true,
): tf.SymbolicTensor {
  let y = conv.apply(x) as tf.SymbolicTensor;
  y = tf.layers
    .batchNormalization({ name: `${name}_BN`, epsilon: 1e-3 })
    .apply(y) as tf.SymbolicTensor;
  return relu
    ? (tf.layers.reLU({ name: `${name}_relu`, maxValue: 6 }).apply(y) as tf.SymbolicTensor)
    : y;
}

/** Builds the fixture and writes it to `dir`; its last 8 layers after fusing (the residual block and the
 * last convolution) sit above a one-tensor cut, so fine-tuning them trains depthwise layers too. */
export async function writeBackboneFixture(dir: string, seed = 11): Promise<void> {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const conv = (name: string, filters: number, kernelSize: number, strides = 1, offset = 0) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(offset),
    });
  const depthwise = (name: string, strides = 1, offset = 0) =>
    tf.layers.depthwiseConv2d({
      name,
      kernelSize: 3,
      strides,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: init(offset),
    });
  const input = tf.input({ shape: [32, 32, 3], name: 'input_1' });
  let x = convBnRelu(input, 'Conv1', conv('Conv1', 8, 3, 2, 1));
  x = convBnRelu(x, 'expanded_conv_depthwise', depthwise('expanded_conv_depthwise', 1, 2));
  const block = convBnRelu(
    x,
    'expanded_conv_project',
    conv('expanded_conv_project', 16, 1, 1, 3),
    false,
  );
  x = convBnRelu(block, 'block_1_expand', conv('block_1_expand', 48, 1, 1, 4));
  x = convBnRelu(x, 'block_1_depthwise', depthwise('block_1_depthwise', 1, 5));
  x = convBnRelu(x, 'block_1_project', conv('block_1_project', 16, 1, 1, 6), false);
  x = tf.layers.add({ name: 'block_1_add' }).apply([block, x]) as tf.SymbolicTensor;
  x = convBnRelu(x, 'Conv_1', conv('Conv_1', 64, 1, 1, 7));
  const model = tf.model({ inputs: input, outputs: x, name: 'mobilenet_fixture' });
  try {
    await saveModelToDir(model, dir);
  } finally {
    model.dispose();
  }
}
