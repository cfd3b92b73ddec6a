import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  ImageRejected,
  imageForPrediction,
  predictStoredImages,
  storedImageShape,
  topClasses,
} from '../../src/index.ts';

function png(width: number, height: number, rgba: [number, number, number, number]): Uint8Array {
  const image = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) image.data.set(rgba, p * 4);
  return PNG.sync.write(image);
}

describe('prediction inputs', () => {
  it('stores pictures the way each dataset stores its images', () => {
    expect(storedImageShape({ dataset: 'cifar10', inputSize: 96 })).toEqual({
      size: 32,
      channels: 3,
    });
    expect(storedImageShape({ dataset: 'mnist', inputSize: 32 })).toEqual({
      size: 28,
      channels: 1,
    });
    expect(storedImageShape({ dataset: 'folder:/x', inputSize: 48 })).toEqual({
      size: 48,
      channels: 3,
    });
    // Any size in, the stored size out; transparency over white; grey by luma for MNIST-like sets.
    const rgb = imageForPrediction(png(90, 40, [255, 0, 0, 255]), {
      dataset: 'cifar10',
      inputSize: 32,
    });
    expect(rgb.length).toBe(32 * 32 * 3);
    expect([rgb[0], rgb[1], rgb[2]]).toEqual([255, 0, 0]);
    const clear = imageForPrediction(png(8, 8, [0, 0, 0, 0]), {
      dataset: 'synthetic',
      inputSize: 32,
    });
    expect(clear[0]).toBe(255);
    const grey = imageForPrediction(png(56, 56, [255, 0, 0, 255]), {
      dataset: 'mnist',
      inputSize: 32,
    });
    expect(grey.length).toBe(28 * 28);
    expect(grey[0]).toBe(76); // 0.299 × 255
    expect(() =>
      imageForPrediction(new TextEncoder().encode('hello'), { dataset: 'cifar10', inputSize: 32 }),
    ).toThrow(ImageRejected);
  });

  it('ranks classes, most probable first', () => {
    const top = topClasses([0.1, 0.6, 0.3], ['a', 'b', 'c'], 2);
    expect(top).toEqual([
      { label: 'b', classIndex: 1, probability: 0.6 },
      { label: 'c', classIndex: 2, probability: 0.3 },
    ]);
    expect(() => topClasses([0.5, 0.5], ['a'], 1)).toThrow(/2 probabilities for 1 classes/);
    expect(() => topClasses([1], ['a'], 0)).toThrow(RangeError);
  });

  it('scales and resizes like a test batch, and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    // A model that returns its mean input per channel: shows what it was fed.
    const input = tf.input({ shape: [16, 16, 3] });
    const pooled = tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: pooled });
    const before = tf.memory().numTensors;
    const config = { dataset: 'cifar10', inputSize: 16, inputScaling: 'symmetric' } as const;
    const pixels = imageForPrediction(png(32, 32, [255, 0, 127, 255]), config);
    const probs = await predictStoredImages(model, config, [pixels, pixels]);
    // [-1, 1] scaling: 255 → 1, 0 → −1, 127 → 127/127.5 − 1.
    const expected = [1, -1, 127 / 127.5 - 1];
    Array.from(probs).forEach((value, i) => expect(value).toBeCloseTo(expected[i % 3] ?? NaN, 5));
    expect(tf.memory().numTensors).toBe(before);
    await expect(predictStoredImages(model, config, [new Uint8Array(5)])).rejects.toThrow(
      /expected 32×32×3/,
    );
    model.dispose();
  });
});
