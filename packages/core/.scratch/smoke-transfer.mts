import * as tf from '@tensorflow/tfjs';
import { initBackend, loadDataset, resolveRunConfig, trainRun } from '../src/index.ts';
await initBackend();
for (const input of [
  { preset: 'seed-transfer', backbone: 'mobilenet_v2_0.35', epochs: 2 },
  { preset: 'transfer-plus', backbone: 'mobilenet_v2_0.35', inputSize: 48, epochs: 2, fineTuneEpochs: 1, fineTuneLayers: 10 },
  { preset: 'transfer-plus', backbone: 'mobilenet_v2_0.35', inputSize: 48, epochs: 1, augment: true, fineTuneEpochs: 0 },
] as const) {
  const config = resolveRunConfig({ ...input, dataset: 'synthetic', trainLimit: 400, testLimit: 100 });
  const dataset = await loadDataset(config.dataset, { seed: config.seed, validationSplit: 0.25, trainLimit: 400, testLimit: 100 });
  const before = tf.memory().numTensors;
  const t = Date.now();
  const r = await trainRun(config, { dataset, runDir: '/tmp/mt/run-' + config.preset, onEpoch: (m) => console.log(JSON.stringify(m)), log: { info: console.log } });
  console.log(config.preset, Date.now() - t, 'ms', r.report?.testAcc, r.bestEpoch, r.paramCount, tf.memory().numTensors, before);
}
