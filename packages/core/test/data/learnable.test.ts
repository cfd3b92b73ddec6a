import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerFastWasmKernels } from '../../src/backend/wasm-kernels/index.ts';
import { epochBatches, loadDataset, makeBatch, mulberry32 } from '../../src/index.ts';

// The wasm backend with the project's gradient kernels: the pure-JS cpu backend needs minutes for this.
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerFastWasmKernels();
});

function tinyCnn(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [32, 32, 3],
      filters: 8,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(
    tf.layers.conv2d({
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(
    tf.layers.dense({
      units: 32,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 10,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
    }),
  );
  model.compile({
    optimizer: tf.train.adam(3e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

describe('synthetic is learnable', () => {
  it('a tiny CNN beats chance (10%) by far after 2 epochs on 400 images', async () => {
    const dataset = await loadDataset('synthetic', {
      seed: 42,
      validationSplit: 0.1,
      trainLimit: 400,
      testLimit: 200,
    });
    const model = tinyCnn();
    const rng = mulberry32(42);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const batch of epochBatches(dataset.train, {
        batchSize: 16,
        shuffle: true,
        rng,
        inputSize: 32,
        scaling: 'unit',
        channels: 3,
      })) {
        await model.trainOnBatch(batch.xs, batch.ys);
        tf.dispose([batch.xs, batch.ys]);
      }
    }
    const test = makeBatch(
      dataset.test,
      Array.from({ length: dataset.test.count }, (_, i) => i),
      { inputSize: 32, scaling: 'unit', channels: 3 },
    );
    const accuracy = tf.tidy(() => {
      const predicted = (model.predict(test.xs) as tf.Tensor2D).argMax(1);
      return predicted.equal(test.ys.argMax(1)).mean().dataSync()[0] ?? 0;
    });
    tf.dispose([test.xs, test.ys]);
    model.dispose();
    console.log(`synthetic test accuracy after 2 epochs: ${accuracy.toFixed(3)}`);
    expect(accuracy).toBeGreaterThan(0.3);
  }, 60_000);
});
