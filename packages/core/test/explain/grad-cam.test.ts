/**
 * Grad-CAM on every preset, and that its maps mean something: a CNN trained on small shapes placed
 * anywhere looks at the shape (heatmap mass in its box ≥ 2× the box's share of the image, and more than
 * a centred blob would put there), and re-initialising the weights changes the maps (Adebayo et al.'s
 * sanity check: Spearman rank correlation < 0.5).
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  boxAreaShare,
  buildModel,
  disposeConvlabModel,
  explainSetImages,
  generateSyntheticWithBoxes,
  gradCam,
  gradCamLayerIndex,
  heatmapMassInBox,
  initBackend,
  localMobileNetV2Dir,
  makeBatch,
  resolveRunConfig,
  spearmanCorrelation,
  type ImageSet,
  type PixelBox,
  type RunConfigInput,
} from '../../src/index.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const haveWeights = existsSync(localMobileNetV2Dir('mobilenet_v2_0.35'));

/** A few synthetic images as model input for `config`. */
function inputsFor(set: ImageSet, count: number, inputSize: number): tf.Tensor4D {
  const { xs, ys } = makeBatch(
    set,
    Int32Array.from({ length: count }, (_, i) => i),
    {
      inputSize,
      scaling: 'unit',
      channels: 3,
    },
  );
  ys.dispose();
  return xs;
}

describe('gradCam on every preset', () => {
  const { set } = generateSyntheticWithBoxes(4, 1);
  const cases: { input: RunConfigInput; layer: string; skip?: boolean }[] = [
    { input: { preset: 'tiny-cnn' }, layer: 'conv2' },
    { input: { preset: 'seed-cnn' }, layer: 'conv2' },
    { input: { preset: 'cnn-plus' }, layer: 'block3_relu2' },
    {
      input: { preset: 'seed-transfer', backbone: 'mobilenet_v2_0.35', inputSize: 32 },
      layer: 'out_relu',
      skip: !haveWeights,
    },
    {
      input: { preset: 'transfer-plus', backbone: 'mobilenet_v2_0.35', inputSize: 96 },
      layer: 'out_relu',
      skip: !haveWeights,
    },
  ];
  for (const { input, layer, skip } of cases) {
    it.skipIf(skip)(
      `${input.preset}: a map per image at the input's size, from ${layer}, leaking nothing`,
      async () => {
        const config = resolveRunConfig(input);
        const built = await buildModel(config, 10);
        const before = tf.memory().numTensors;
        const inputs = inputsFor(set, 4, config.inputSize);
        const result = await gradCam(built.model, inputs, [0, 1, 2, 3]);
        inputs.dispose();
        expect(tf.memory().numTensors).toBe(before);
        expect(result.layer).toBe(layer);
        expect(built.model.layers[gradCamLayerIndex(built.model)]?.name).toBe(layer);
        expect(result).toMatchObject({ width: config.inputSize, height: config.inputSize });
        expect(result.maps).toHaveLength(4);
        for (const map of result.maps) {
          expect(map).toHaveLength(config.inputSize * config.inputSize);
          const max = Math.max(...map);
          expect(max === 0 || Math.abs(max - 1) < 1e-5).toBe(true);
          expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
        }
        // A second call reuses the cut (no new layer nodes) and gives the same maps.
        const again = inputsFor(set, 4, config.inputSize);
        const second = await gradCam(built.model, again, [0, 1, 2, 3]);
        again.dispose();
        expect(Array.from(second.maps[1]!)).toEqual(Array.from(result.maps[1]!));
        disposeConvlabModel(built);
      },
      120_000,
    );
  }

  it('refuses a class outside the model and a count that does not match', async () => {
    const built = await buildModel(resolveRunConfig({ preset: 'tiny-cnn' }), 10);
    const inputs = inputsFor(set, 2, 32);
    await expect(gradCam(built.model, inputs, [0, 10])).rejects.toThrow(/class 10 is outside/);
    await expect(gradCam(built.model, inputs, [0])).rejects.toThrow(/1 classes for 2 images/);
    inputs.dispose();
    disposeConvlabModel(built);
  });
});

/** A centred Gaussian blob at 32×32: the trivial "the object is in the middle" map. */
function centredBlob(size: number): Float32Array {
  const map = new Float32Array(size * size);
  const sigma = size / 6;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - size / 2;
      const dy = y + 0.5 - size / 2;
      map[y * size + x] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  return map;
}

describe('Grad-CAM means something', () => {
  it('finds small shapes placed anywhere, and changes when the weights are re-initialised', async () => {
    const config = resolveRunConfig({ preset: 'seed-cnn', seed: 3 });
    const train = generateSyntheticWithBoxes(3000, 11, { smallShapes: true });
    const test = generateSyntheticWithBoxes(200, 12, { smallShapes: true });
    const built = await buildModel(config, 10);
    const all = Int32Array.from({ length: train.set.count }, (_, i) => i);
    const { xs, ys } = makeBatch(train.set, all, { inputSize: 32, scaling: 'unit', channels: 3 });
    await built.model.fit(xs, ys, { epochs: 8, batchSize: 64, shuffle: true, verbose: 0 });
    xs.dispose();
    ys.dispose();

    const indices = Array.from({ length: test.set.count }, (_, i) => i);
    const explained = await explainSetImages(
      built.model,
      test.set,
      indices,
      { inputSize: 32, inputScaling: 'unit' },
      Array.from({ length: 10 }, (_, c) => String(c)),
      (_, position) => [test.set.labels[position]!],
    );
    // Correctly classified test images: the true class is the most probable one.
    const correct = indices.filter((i) => {
      const probability = explained.images[i]![0]!.probability;
      return probability >= 0.5;
    });
    expect(correct.length).toBeGreaterThan(40);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const box = (i: number): PixelBox => test.boxes[i]!;
    const mass = mean(
      correct.map((i) => heatmapMassInBox(explained.images[i]![0]!.map, 32, 32, box(i))),
    );
    const share = mean(correct.map((i) => boxAreaShare(32, 32, box(i))));
    const blob = centredBlob(32);
    const blobMass = mean(correct.map((i) => heatmapMassInBox(blob, 32, 32, box(i))));
    console.log(
      `Grad-CAM on small shapes: ${correct.length} correct of ${indices.length}, mass in box ${mass.toFixed(3)}, box share ${share.toFixed(3)} (${(mass / share).toFixed(2)}×), centred blob ${blobMass.toFixed(3)}`,
    );
    expect(mass).toBeGreaterThanOrEqual(2 * share);
    expect(mass).toBeGreaterThan(blobMass);

    // Adebayo et al.: the same architecture with fresh random weights must give other maps.
    const random = await buildModel(resolveRunConfig({ preset: 'seed-cnn', seed: 99 }), 10);
    const randomExplained = await explainSetImages(
      random.model,
      test.set,
      correct,
      { inputSize: 32, inputScaling: 'unit' },
      Array.from({ length: 10 }, (_, c) => String(c)),
      (_, position) => [test.set.labels[correct[position]!]!],
    );
    const correlation = mean(
      correct.map((i, position) =>
        spearmanCorrelation(
          explained.images[i]![0]!.map,
          randomExplained.images[position]![0]!.map,
        ),
      ),
    );
    console.log(`Spearman, trained vs re-initialised maps: ${correlation.toFixed(3)}`);
    expect(correlation).toBeLessThan(0.5);
    disposeConvlabModel(built);
    disposeConvlabModel(random);
  }, 300_000);
});

describe('heatmap statistics', () => {
  it('measures mass in a box, a box share and rank correlation by hand', () => {
    const map = [0, 1, 0, 3]; // 2×2
    expect(heatmapMassInBox(map, 2, 2, { x0: 1, y0: 0, x1: 2, y1: 2 })).toBe(1);
    expect(heatmapMassInBox(map, 2, 2, { x0: 0, y0: 1, x1: 2, y1: 2 })).toBe(0.75);
    expect(boxAreaShare(4, 4, { x0: 0, y0: 0, x1: 2, y1: 2 })).toBe(0.25);
    expect(spearmanCorrelation([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearmanCorrelation([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    // Ties share ranks: [1, 2.5, 2.5, 4] against [1, 2, 3, 4].
    expect(spearmanCorrelation([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4);
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});
