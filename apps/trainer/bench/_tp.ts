// Experiment: transfer-plus variants from one trunk cache (not committed).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  buildModel,
  initBackend,
  loadDataset,
  planTrunkCache,
  prepareFineTuning,
  resolveRunConfig,
  cacheActivations,
  gatherRows,
  labelTargets,
  epochBatchIndices,
  mulberry32,
  deriveSeed,
  learningRateAt,
  setLearningRate,
  compileForTraining,
  type ActivationCache,
  type RunConfigInput,
  makeBatch,
} from '@convlab/core';
import { sharedAssetsDir } from '@convlab/core/paths';
await initBackend('wasm');
const weightsUrl = `${sharedAssetsDir()}/mobilenet_v2/alpha-1.0-no-top`;
const base = { preset: 'transfer-plus', weightsUrl } as RunConfigInput;
const dataset = await loadDataset('cifar10', {
  seed: 42,
  validationSplit: 0.1,
  trainLimit: null,
  testLimit: null,
  inputSize: 96,
});
const sets = { train: dataset.train, val: dataset.val, test: dataset.test };
async function trunkCaches(fineTuneLayers: number) {
  const config = resolveRunConfig({ ...base, fineTuneLayers });
  const built = await buildModel(config, 10);
  const trunk = planTrunkCache(built, fineTuneLayers, false)!;
  const out: Record<string, ActivationCache> = {};
  for (const [name, set] of Object.entries(sets)) {
    const file = `/tmp/trunk-${fineTuneLayers}-${name}.bin`;
    const shape = trunk.split.cutShape;
    if (existsSync(file)) {
      const b = readFileSync(file);
      out[name] = {
        count: set.count,
        shape,
        width: shape.reduce((a, c) => a * c, 1),
        precision: 'float32',
        data: new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4),
      };
    } else {
      const t0 = performance.now();
      out[name] = await cacheActivations(
        trunk.split.trunk,
        set.count,
        128,
        (idx) => {
          const { xs, ys } = makeBatch(set, idx, {
            inputSize: 96,
            scaling: 'symmetric',
            channels: 3,
          });
          ys.dispose();
          return xs;
        },
        'float32',
      );
      console.log(`cached ${name} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      writeFileSync(file, new Uint8Array((out[name]!.data as Float32Array).buffer));
    }
  }
  return out;
}
async function accuracy(model: tf.LayersModel, cache: ActivationCache, labels: Uint8Array) {
  let correct = 0;
  for (const idx of epochBatchIndices(cache.count, { batchSize: 256, shuffle: false })) {
    const x = gatherRows(cache, idx);
    const p = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1));
    const v = await p.data();
    tf.dispose([x, p]);
    idx.forEach((i, k) => {
      if (v[k] === labels[i]) correct++;
    });
  }
  return correct / cache.count;
}
async function variant(
  name: string,
  o: {
    fineTuneLayers: number;
    frozenEpochs: number;
    ftEpochs: number;
    ftLr: number;
    schedule: 'constant' | 'one-cycle';
    ls: number;
    batch: number;
    optimizer?: 'adam' | 'sgd';
  },
) {
  const caches = await trunkCaches(o.fineTuneLayers);
  const config = resolveRunConfig({ ...base, fineTuneLayers: o.fineTuneLayers });
  const built = await buildModel(config, 10);
  const trunk = planTrunkCache(built, o.fineTuneLayers, false)!;
  const t0 = performance.now();
  // frozen: head on features from the trunk cache
  const feats: Record<string, ActivationCache> = {};
  for (const k of ['train', 'val'])
    feats[k] = await cacheActivations(
      trunk.features,
      caches[k]!.count,
      256,
      (idx) => gatherRows(caches[k]!, idx),
      'float32',
    );
  const head = built.transfer!.head;
  for (let e = 1; e <= o.frozenEpochs; e++) {
    for (const idx of epochBatchIndices(dataset.train.count, {
      batchSize: 64,
      shuffle: true,
      rng: mulberry32(deriveSeed(42, `s${e}`)),
    })) {
      const x = gatherRows(feats.train!, idx);
      const y = tf.tensor2d(labelTargets(dataset.train, idx, 0), [idx.length, 10]);
      await head.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    console.log(
      name,
      'frozen',
      e,
      (await accuracy(head, feats.val!, dataset.val.labels)).toFixed(4),
    );
  }
  const model = trunk.predictions;
  prepareFineTuning(built, o.fineTuneLayers, o.optimizer ?? 'adam', o.ftLr, model);
  const steps = o.ftEpochs * Math.ceil(dataset.train.count / o.batch);
  let step = 0;
  for (let e = 1; e <= o.ftEpochs; e++) {
    const te = performance.now();
    for (const idx of epochBatchIndices(dataset.train.count, {
      batchSize: o.batch,
      shuffle: true,
      rng: mulberry32(deriveSeed(42, `f${e}`)),
    })) {
      if (o.schedule === 'one-cycle')
        setLearningRate(model.optimizer, learningRateAt('one-cycle', o.ftLr, step, steps));
      step++;
      const x = gatherRows(caches.train!, idx);
      const y = tf.tensor2d(labelTargets(dataset.train, idx, o.ls), [idx.length, 10]);
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    console.log(
      name,
      'ft',
      e,
      'val',
      (await accuracy(model, caches.val!, dataset.val.labels)).toFixed(4),
      `${((performance.now() - te) / 1000).toFixed(0)} s`,
    );
  }
  console.log(
    'RESULT',
    name,
    JSON.stringify(o),
    'test',
    (await accuracy(model, caches.test!, dataset.test.labels)).toFixed(4),
    `${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}
const which = process.argv[2] ?? 'base';
const V: Record<string, Parameters<typeof variant>[1]> = {
  base: {
    fineTuneLayers: 20,
    frozenEpochs: 5,
    ftEpochs: 3,
    ftLr: 1e-4,
    schedule: 'constant',
    ls: 0,
    batch: 64,
  },
  ft6: {
    fineTuneLayers: 20,
    frozenEpochs: 5,
    ftEpochs: 6,
    ftLr: 1e-4,
    schedule: 'constant',
    ls: 0,
    batch: 64,
  },
  ft6oc: {
    fineTuneLayers: 20,
    frozenEpochs: 5,
    ftEpochs: 6,
    ftLr: 3e-4,
    schedule: 'one-cycle',
    ls: 0.1,
    batch: 64,
  },
  ft6oc2: {
    fineTuneLayers: 20,
    frozenEpochs: 3,
    ftEpochs: 6,
    ftLr: 1e-3,
    schedule: 'one-cycle',
    ls: 0.1,
    batch: 64,
  },
};
for (const n of which.split(',')) await variant(n, V[n]!);
