/**
 * `tsx bench/profile.ts [--stock] [--transfer-plus]`: where one training step (seed-cnn at batch 128, or
 * transfer-plus's fine-tune phase at batch 64) spends its time on wasm, per kernel. Every wasm kernel is wrapped with a timer; nested stock calls made by the fast kernels are
 * counted inside the fast kernel that made them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  buildModel,
  prepareFineTuning,
  registerFastWasmKernels,
  resolveRunConfig,
} from '@convlab/core';
import { sharedAssetsDir } from '@convlab/core/paths';
import { mobileNetDir } from './mobilenet.ts';
import { buildSeedCnn, randomBatch } from './seed-cnn.ts';

await tf.setBackend('wasm');
await tf.ready();
if (!process.argv.includes('--stock')) registerFastWasmKernels();
async function transferPlusFineTuneModel(): Promise<tf.LayersModel> {
  const config = resolveRunConfig({
    preset: 'transfer-plus',
    weightsUrl: mobileNetDir(sharedAssetsDir()),
  });
  const built = await buildModel(config, 10);
  prepareFineTuning(
    built,
    config.fineTuneLayers,
    config.learningRate * config.fineTuneLearningRateFactor,
  );
  return built.model;
}

const transfer = process.argv.includes('--transfer-plus');
const model = transfer ? await transferPlusFineTuneModel() : await buildSeedCnn();
const batch = transfer ? 64 : 128;
const { x, y } = randomBatch(batch, transfer ? 96 : 32);
for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);

const totals = new Map<string, { ms: number; calls: number }>();
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    kernelName: config.kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const start = performance.now();
      const out = inner(args);
      const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
      entry.ms += performance.now() - start;
      entry.calls++;
      totals.set(config.kernelName, entry);
      return out;
    },
  });
}
const steps = transfer ? 2 : 5;
const cpu = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
const wallMs = (performance.now() - start) / steps;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / steps;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((sum, [, v]) => sum + v.ms / steps, 0);
console.log(
  `step: ${wallMs.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms cpu, kernels ${kernelMs.toFixed(1)} ms` +
    ` → ${((batch * 1000) / wallMs).toFixed(0)} img/s wall, ${((batch * 1000) / cpuMs).toFixed(0)} img/s cpu`,
);
for (const [name, { ms, calls }] of rows.slice(0, 16)) {
  console.log(
    `${name.padEnd(36)} ${(ms / steps).toFixed(1).padStart(7)} ms  ${calls / steps} calls`,
  );
}
