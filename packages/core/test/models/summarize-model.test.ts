import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildModel,
  disposeConvlabModel,
  initBackend,
  layerTrainingRole,
  localMobileNetV2Dir,
  modelSummarySchema,
  resolveRunConfig,
  summarizeModel,
} from '../../src/index.ts';

describe('summarizeModel', () => {
  it('lists the lab CNN layer by layer with the parameters Keras counts', async () => {
    await initBackend('wasm');
    const config = resolveRunConfig({ preset: 'seed-cnn' });
    const built = await buildModel(config, 10);
    const summary = modelSummarySchema.parse(summarizeModel(built, config));
    disposeConvlabModel(built);
    // Conv(32) → Pool → Conv(64) → Pool → Flatten → Dense(512) → Dense(10) on 32×32×3, as in Keras.
    expect(summary.layers.map((l) => [l.kind, l.outputShape, l.params])).toEqual([
      ['Conv2D', [32, 32, 32], 896],
      ['MaxPooling2D', [16, 16, 32], 0],
      ['Conv2D', [16, 16, 64], 18_496],
      ['MaxPooling2D', [8, 8, 64], 0],
      ['Flatten', [4096], 0],
      ['Dense', [512], 2_097_664],
      ['Dense', [10], 5_130],
    ]);
    expect(summary.layers.map(layerTrainingRole)).toEqual([
      'yes',
      null,
      'yes',
      null,
      null,
      'yes',
      'yes',
    ]);
    expect(summary).toMatchObject({
      totalParams: 2_122_186,
      trainableParams: 2_122_186,
      nonTrainableParams: 0,
      fineTunedParams: 0,
    });
  });

  it.skipIf(!existsSync(localMobileNetV2Dir('mobilenet_v2_0.35')))(
    'marks the frozen backbone, and the layers fine-tuning unfreezes',
    async () => {
      await initBackend('wasm');
      const config = resolveRunConfig({
        preset: 'transfer-plus',
        backbone: 'mobilenet_v2_0.35',
        inputSize: 32,
        fineTuneLayers: 10,
      });
      const built = await buildModel(config, 10);
      const summary = summarizeModel(built, config);
      disposeConvlabModel(built);
      const backbone = summary.layers.filter((l) => l.backbone);
      expect(backbone.length).toBeGreaterThan(50);
      expect(backbone.every((l) => !l.trainable)).toBe(true);
      expect(summary.layers.filter((l) => l.fineTuned)).toEqual(backbone.slice(-10));
      expect(new Set(backbone.filter((l) => l.params > 0).map(layerTrainingRole))).toEqual(
        new Set(['frozen', 'fine-tune']),
      );
      // Only the head trains at first: the classifier on the 1280-channel features (0.35: 1280 too).
      const head = summary.layers.filter((l) => !l.backbone && l.params > 0);
      expect(head.map((l) => l.name)).toEqual(['predictions']);
      expect(summary.trainableParams).toBe(head[0]?.params);
      expect(summary.nonTrainableParams).toBe(summary.totalParams - summary.trainableParams);
      expect(summary.fineTunedParams).toBe(backbone.slice(-10).reduce((s, l) => s + l.params, 0));
    },
  );
});
