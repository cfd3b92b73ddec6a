/**
 * Bench cases for Grad-CAM: how long 20 images take to explain (their predicted class), as the
 * dashboard and `predict --explain` do it, on wasm with the fast kernels. Targets (issue 26): ≤ 2 s for
 * seed-cnn at 32 px, ≤ 5 s for transfer-plus (MobileNetV2 1.0) at 96 px.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  buildModel,
  disposeConvlabModel,
  explainSetImages,
  generateSynthetic,
  registerFastWasmKernels,
  resolveRunConfig,
  type RunConfigInput,
} from '@convlab/core';
import { sharedAssetsDir } from '@convlab/core/paths';
import type { BenchResult } from './cases.ts';
import { mobileNetDir } from './mobilenet-reference.ts';

const IMAGES = 20;
const ROUNDS = 5;

export async function gradCamCase(
  input: RunConfigInput,
  targetSeconds: number,
): Promise<BenchResult> {
  const weights = mobileNetDir(sharedAssetsDir());
  if (input.backbone && !existsSync(path.join(weights, 'model.json')))
    return { status: 'skipped', reason: `no MobileNetV2 weights at ${weights}` };
  await tf.setBackend('wasm');
  await tf.ready();
  registerFastWasmKernels();
  const config = resolveRunConfig(input);
  const built = await buildModel(config, 10, input.backbone ? { weightsUrl: weights } : {});
  const set = generateSynthetic(IMAGES, 7);
  const indices = Array.from({ length: IMAGES }, (_, i) => i);
  const classNames = Array.from({ length: 10 }, (_, c) => `class ${c}`);
  const explain = () =>
    explainSetImages(built.model, set, indices, config, classNames, (probabilities) => [
      probabilities.indexOf(Math.max(...probabilities)),
    ]);
  await explain(); // warm-up: kernels compiled, the model cut once
  const seconds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await explain();
    seconds.push((performance.now() - started) / 1000);
  }
  disposeConvlabModel(built);
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  return {
    status: 'ok',
    preset: config.preset,
    phase: 'grad-cam',
    backend: 'wasm',
    inputSize: config.inputSize,
    images: IMAGES,
    medianSeconds: Number(median.toFixed(3)),
    minSeconds: Number(seconds[0]!.toFixed(3)),
    maxSeconds: Number(seconds.at(-1)!.toFixed(3)),
    targetSeconds,
    withinTarget: median <= targetSeconds,
  };
}
