/**
 * `tsx bench/worker-accuracy.ts [preset] [trainLimit] [seeds]`: does training on 2 data-parallel workers
 * reach the accuracy of 1? The preset (default cnn-plus) on a stratified CIFAR-10 subset (default 5,000
 * training images, 2,000 test), each seed on 1 worker and on 2, through trainRun as the trainer calls it.
 * Prints one JSON line per run and a summary line (mean and spread per worker count). Needs
 * data/datasets/cifar10 (`npx convlab data fetch cifar10`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  datasetOptionsFromConfig,
  initBackend,
  loadDataset,
  resolveRunConfig,
  trainRun,
  type PresetName,
} from '@convlab/core';

const [preset = 'cnn-plus', limit = '5000', seedCount = '3'] = process.argv.slice(2);
await initBackend('wasm');
const dir = mkdtempSync(path.join(tmpdir(), 'convlab-worker-accuracy-'));
const results: { workers: number; seed: number; testAcc: number; trainSeconds: number }[] = [];
try {
  for (let seed = 1; seed <= Number(seedCount); seed++) {
    const config = resolveRunConfig({
      preset: preset as PresetName,
      dataset: 'cifar10',
      seed,
      trainLimit: Number(limit),
      testLimit: 2000,
    });
    const dataset = await loadDataset(config.dataset, datasetOptionsFromConfig(config));
    for (const workers of [1, 2]) {
      const result = await trainRun(config, {
        dataset,
        runDir: path.join(dir, `${seed}-${workers}`),
        workers,
      });
      const line = {
        preset,
        seed,
        workers,
        testAcc: result.report?.testAcc ?? NaN,
        bestEpoch: result.bestEpoch,
        trainSeconds: Math.round(result.trainSeconds * 10) / 10,
      };
      results.push(line);
      console.log(JSON.stringify(line));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const summary = [1, 2].map((workers) => {
  const accs = results.filter((r) => r.workers === workers).map((r) => r.testAcc);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  return {
    workers,
    meanTestAcc: Math.round(mean * 10000) / 10000,
    min: Math.min(...accs),
    max: Math.max(...accs),
    meanTrainSeconds:
      Math.round(
        (results.filter((r) => r.workers === workers).reduce((a, r) => a + r.trainSeconds, 0) /
          accs.length) *
          10,
      ) / 10,
  };
});
console.log(JSON.stringify({ summary }));
