/**
 * `tsx bench/profile.ts [seed-cnn|cnn-plus|transfer-plus|transfer-plus-cached] [--stock] [--batch N]
 * [--fine-tune-layers N]`: where one
 * training step of a preset (at its batch size; transfer-plus: its fine-tune phase, through the whole
 * network or on the cached trunk) spends its time on wasm, per kernel. Every wasm kernel is wrapped with
 * a timer; nested stock calls made by the fast kernels are counted inside the fast kernel that made them.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  buildModel,
  fineTunePlan,
  planTrunkCache,
  prepareFineTuning,
  registerFastWasmKernels,
  resolveRunConfig,
} from '@convlab/core';
import { sharedAssetsDir } from '@convlab/core/paths';
import { mobileNetDir } from './mobilenet-reference.ts';

const TARGETS = ['seed-cnn', 'cnn-plus', 'transfer-plus', 'transfer-plus-cached'] as const;
const target = TARGETS.find((t) => process.argv.includes(t)) ?? 'seed-cnn';

await tf.setBackend('wasm');
await tf.ready();
if (!process.argv.includes('--stock')) registerFastWasmKernels();

async function modelAndInput(): Promise<{ model: tf.LayersModel; shape: number[]; batch: number }> {
  if (target === 'seed-cnn' || target === 'cnn-plus') {
    const config = resolveRunConfig({ preset: target });
    const built = await buildModel(config, 10);
    return { model: built.model, shape: [32, 32, 3], batch: config.batchSize };
  }
  const layersArg = process.argv.indexOf('--fine-tune-layers');
  const config = resolveRunConfig({
    preset: 'transfer-plus',
    weightsUrl: mobileNetDir(sharedAssetsDir()),
    ...(layersArg > 0 ? { fineTuneLayers: Number(process.argv[layersArg + 1]) } : {}),
  });
  const built = await buildModel(config, 10);
  const trunk =
    target === 'transfer-plus-cached'
      ? planTrunkCache(built, config.fineTuneLayers, config.augment)
      : null;
  const model = trunk?.predictions ?? built.model;
  const lr = fineTunePlan(config)?.learningRate;
  if (lr === undefined) throw new Error(`${config.preset} does not fine-tune`);
  prepareFineTuning(built, config.fineTuneLayers, config.optimizer, lr, model);
  const shape = trunk?.split.cutShape ?? [config.inputSize, config.inputSize, 3];
  return { model, shape, batch: config.batchSize };
}

const built = await modelAndInput();
const batchArg = process.argv.indexOf('--batch');
const { model, shape } = built;
const batch = batchArg > 0 ? Number(process.argv[batchArg + 1]) : built.batch;
const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 7);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 8), 10).toFloat();
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
const steps = target === 'transfer-plus' ? 2 : 5;
const cpu = process.cpuUsage();
const start = performance.now();
for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
const wallMs = (performance.now() - start) / steps;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / steps;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((sum, [, v]) => sum + v.ms / steps, 0);
console.log(
  `${target} step at batch ${batch}: ${wallMs.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms cpu, ` +
    `kernels ${kernelMs.toFixed(1)} ms → ${((batch * 1000) / wallMs).toFixed(0)} img/s wall, ` +
    `${((batch * 1000) / cpuMs).toFixed(0)} img/s cpu`,
);
for (const [name, { ms, calls }] of rows.slice(0, 16)) {
  console.log(
    `${name.padEnd(36)} ${(ms / steps).toFixed(1).padStart(7)} ms  ${calls / steps} calls`,
  );
}
