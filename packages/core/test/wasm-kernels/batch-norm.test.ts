/**
 * FastBatchNormalization in training mode on wasm (the fused kernels) against tf.layers'
 * BatchNormalization on the cpu backend: outputs, gradients for x, γ and β, and the moving statistics.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFastWasmKernels } from '../../src/backend/wasm-kernels/index.ts';
import { FastBatchNormalization } from '../../src/models/fast-layers.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerFastWasmKernels();
});

function randomValues(count: number, seed: number, offset = 0): Float32Array {
  return tf.tidy(
    () => tf.randomNormal([count], offset, 2, 'float32', seed).dataSync() as Float32Array,
  );
}

interface Outcome {
  y: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

async function trainStep(
  backend: string,
  fast: boolean,
  shape: number[],
  values: { x: Float32Array; dy: Float32Array; gamma: Float32Array; beta: Float32Array },
): Promise<Outcome> {
  await tf.setBackend(backend);
  const channels = shape.at(-1)!;
  const args = { momentum: 0.9, epsilon: 1e-3 };
  const layer = fast ? new FastBatchNormalization(args) : tf.layers.batchNormalization(args);
  layer.build(shape);
  const initial = [
    tf.tensor(values.gamma),
    tf.tensor(values.beta),
    tf.zeros([channels]),
    tf.ones([channels]),
  ];
  layer.setWeights(initial);
  tf.dispose(initial);
  const x = tf.tensor(values.x, shape);
  const dy = tf.tensor(values.dy, shape);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let y: Float32Array = new Float32Array();
  const { grads } = tf.variableGrads(() => {
    const out = layer.apply(x, { training: true }) as tf.Tensor;
    y = out.dataSync() as Float32Array;
    return tf.sum<tf.Scalar>(tf.mul(out, dy));
  }, [gamma!, beta!]);
  const dx = tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy)),
  )(x);
  const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
  const [, , movingMean, movingVariance] = layer.getWeights();
  const outcome = {
    y,
    dx: read(dx),
    dGamma: read(grads[gamma!.name]!),
    dBeta: read(grads[beta!.name]!),
    movingMean: read(movingMean!),
    movingVariance: read(movingVariance!),
  };
  tf.dispose([x, dy, dx, ...Object.values(grads)]);
  for (const weight of layer.weights) weight.dispose();
  return outcome;
}

function maxRelativeError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return error / scale;
}

describe('FastBatchNormalization', () => {
  it.each([
    [[4, 5, 6, 8]],
    [[3, 7, 7, 6]], // a channel count that leaves a SIMD tail
    [[130, 3]], // dense activations
  ])('trains like tf.layers BatchNormalization on cpu, shape %j', async (shape) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const channels = shape.at(-1)!;
    const values = {
      x: randomValues(count, 1, 3), // a mean far from 0 tests the two-pass variance
      dy: randomValues(count, 2),
      gamma: randomValues(channels, 3, 1),
      beta: randomValues(channels, 4),
    };
    const expected = await trainStep('cpu', false, shape, values);
    // The fast path keeps no more wasm buffers alive than the stock layer does on the same backend.
    await tf.setBackend('wasm');
    const ids = () => tf.engine().backend.numDataIds();
    let before = ids();
    await trainStep('wasm', false, shape, values);
    const stockKept = ids() - before;
    before = ids();
    const actual = await trainStep('wasm', true, shape, values);
    expect(ids() - before).toBe(stockKept);
    for (const key of Object.keys(expected) as (keyof Outcome)[]) {
      const error = maxRelativeError(actual[key], expected[key]);
      console.log(
        `FastBatchNormalization ${JSON.stringify(shape)} ${key}: ${error.toExponential(2)}`,
      );
      expect(error, key).toBeLessThan(2e-5);
    }
  });
});
