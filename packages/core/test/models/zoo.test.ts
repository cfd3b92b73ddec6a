import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  disposeConvlabModel,
  fuseBackbone,
  initBackend,
  loadMobileNetV2,
  localMobileNetV2Dir,
  resolveRunConfig,
  type RunConfigInput,
} from '../../src/index.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

async function layersOf(input: RunConfigInput, numClasses = 10, presetVersion?: number) {
  const config = resolveRunConfig(input);
  const built = await buildModel(
    { ...config, presetVersion: presetVersion ?? config.presetVersion },
    numClasses,
  );
  const layers = built.model.layers.map((l) => l.getClassName());
  const params = built.model.countParams();
  const outputShape = built.model.outputs[0]?.shape;
  disposeConvlabModel(built);
  return { layers, params, outputShape };
}

describe('CNN presets', () => {
  it("seed-cnn is the lab's CNN: 2,122,186 parameters at 32×32×3", async () => {
    const { layers, params, outputShape } = await layersOf({ preset: 'seed-cnn' });
    expect(layers).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(params).toBe(2_122_186);
    expect(outputShape).toEqual([null, 10]);
  });

  it('tiny-cnn has 34,522 parameters with 10 classes', async () => {
    // conv 3·3·3·8+8 + conv 3·3·8·16+16 + dense 1024·32+32 + dense 32·10+10
    const { params, outputShape } = await layersOf({ preset: 'tiny-cnn' });
    expect(params).toBe(224 + 1168 + 32_800 + 330);
    expect(outputShape).toEqual([null, 10]);
  });

  it('cnn-plus v1 (runs queued before v2): 3 blocks of (conv+BN+ReLU)×2, pool, dropout, and a dense head (815,914 params)', async () => {
    const { layers, params } = await layersOf({ preset: 'cnn-plus', dropout: 0.3 }, 10, 1);
    const block = ['Conv2D', 'BatchNormalization', 'ReLU', 'Conv2D', 'BatchNormalization', 'ReLU'];
    expect(layers).toEqual([
      ...[...block, 'MaxPooling2D', 'Dropout'],
      ...[...block, 'MaxPooling2D', 'Dropout'],
      ...[...block, 'MaxPooling2D', 'Dropout'],
      'Flatten',
      'Dense',
      'Dropout',
      'Dense',
    ]);
    // Keras counts: conv k·k·in·out+out, BN 4·channels (γ, β, moving mean and variance).
    const conv = (cin: number, cout: number) => 9 * cin * cout + cout;
    const expected =
      conv(3, 32) +
      128 +
      conv(32, 32) +
      128 +
      conv(32, 64) +
      256 +
      conv(64, 64) +
      256 +
      conv(64, 128) +
      512 +
      conv(128, 128) +
      512 +
      (4 * 4 * 128 * 256 + 256) +
      (256 * 10 + 10);
    expect(expected).toBe(815_914);
    expect(params).toBe(expected);
  });

  it('cnn-plus v2: whitening stem, 3 blocks of conv→pool→BN→ReLU→conv→BN→ReLU, max pool, dense', async () => {
    const { layers, params, outputShape } = await layersOf({ preset: 'cnn-plus' });
    const block = [
      'Conv2D',
      'MaxPooling2D',
      'BatchNormalization',
      'ReLU',
      'Conv2D',
      'BatchNormalization',
      'ReLU',
    ];
    expect(layers).toEqual([
      'Conv2D',
      'ReLU',
      ...block,
      ...block,
      ...block,
      'GlobalMaxPooling2D',
      'Dense',
    ]);
    // No conv or dense biases; BN 4·channels. The stem is 2·2·3·24 frozen weights.
    const conv = (cin: number, cout: number) => 9 * cin * cout;
    const bn = (channels: number) => 2 * 4 * channels;
    const expected =
      2 * 2 * 3 * 24 +
      conv(24, 32) +
      conv(32, 32) +
      bn(32) +
      conv(32, 64) +
      conv(64, 64) +
      bn(64) +
      conv(64, 64) +
      conv(64, 64) +
      bn(64) +
      64 * 10;
    expect(params).toBe(expected);
    expect(outputShape).toEqual([null, 10]);
  });

  it('builds the same initial weights from the same seed', async () => {
    const weightsOf = async (seed: number) => {
      const built = await buildModel(resolveRunConfig({ preset: 'tiny-cnn', seed }), 10);
      const values = built.model.getWeights().map((w) => Array.from(w.dataSync()));
      disposeConvlabModel(built);
      return values;
    };
    expect(await weightsOf(5)).toEqual(await weightsOf(5));
    expect(await weightsOf(5)).not.toEqual(await weightsOf(6));
  });
});

const haveAssets = existsSync(localMobileNetV2Dir('mobilenet_v2_0.35'));
if (!haveAssets) {
  console.warn(
    `skipping MobileNetV2 tests: no weights at ${localMobileNetV2Dir('mobilenet_v2_0.35')} ` +
      '(set CONVLAB_ASSETS_DIR to the shared assets folder)',
  );
}

describe.skipIf(!haveAssets)('MobileNetV2 backbones (shared assets)', () => {
  it('loads the real 0.35 weights at any input size', async () => {
    const model = await loadMobileNetV2({ backbone: 'mobilenet_v2_0.35', inputSize: 64 });
    expect(model.layers).toHaveLength(155);
    expect(model.countParams()).toBe(410_208);
    expect(model.outputs[0]?.shape).toEqual([null, 2, 2, 1280]);
    model.dispose();
  });

  it('the fused backbone (BN folded, ReLU6 layers) computes the same features', async () => {
    const before = tf.memory().numTensors;
    for (const backbone of ['mobilenet_v2_0.35', 'mobilenet_v2_1.0'] as const) {
      const original = await loadMobileNetV2({ backbone, inputSize: 32 });
      const fused = fuseBackbone(original);
      const classes = fused.layers.map((l) => l.getClassName());
      expect(classes).not.toContain('BatchNormalization');
      const maxDifference = tf.tidy(() => {
        const x = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 3);
        const a = original.predict(x) as tf.Tensor;
        const b = fused.predict(x) as tf.Tensor;
        return a.sub(b).abs().max().dataSync()[0] ?? Infinity;
      });
      expect(maxDifference).toBeLessThan(1e-4);
      original.dispose();
      fused.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('seed-transfer: frozen backbone, Flatten → Dense(classes); only the head trains', async () => {
    const config = resolveRunConfig({ preset: 'seed-transfer', backbone: 'mobilenet_v2_0.35' });
    const built = await buildModel(config, 10);
    expect(built.transfer?.featureSize).toBe(1280);
    expect(built.transfer?.head.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Dense',
    ]);
    expect(built.model.layers.at(-2)?.getClassName()).toBe('Flatten');
    const trainable = built.model.trainableWeights.reduce(
      (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
      0,
    );
    expect(trainable).toBe(1280 * 10 + 10);
    expect(built.inputScaling).toBe('unit');
    disposeConvlabModel(built);
  });

  it('transfer-plus: GlobalAveragePooling → Dropout → Dense at the configured size', async () => {
    const config = resolveRunConfig({
      preset: 'transfer-plus',
      backbone: 'mobilenet_v2_0.35',
      inputSize: 64,
    });
    const built = await buildModel(config, 3);
    expect(built.model.inputs[0]?.shape).toEqual([null, 64, 64, 3]);
    expect(built.model.layers.slice(-3).map((l) => l.getClassName())).toEqual([
      'GlobalAveragePooling2D',
      'Dropout',
      'Dense',
    ]);
    expect(built.inputScaling).toBe('symmetric');
    disposeConvlabModel(built);
  });

  it('says how to point at local weights when they cannot be loaded', async () => {
    await expect(
      loadMobileNetV2({ backbone: 'mobilenet_v2_1.0', inputSize: 32, url: '/nonexistent/mnv2' }),
    ).rejects.toThrow(/CONVLAB_MOBILENET_URL.*assets/);
  });
});
