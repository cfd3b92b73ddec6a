import { rm } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_AUGMENT, fetchCifar10, generateSynthetic, loadDataset, makeBatch, mulberry32 } from '../src/data/index.ts';
await tf.setBackend('wasm');
await tf.ready();
const time = async <T>(label: string, f: () => Promise<T> | T): Promise<T> => {
  const t = performance.now();
  const r = await f();
  console.log(label, ((performance.now() - t) / 1000).toFixed(3), 's');
  return r;
};
await time('synthetic 2500 images', () => generateSynthetic(2500, 1));
await time('loadDataset synthetic (2000/500, split)', () => loadDataset('synthetic', { seed: 1 }));
console.log(await time('fetchCifar10 (already present)', () => fetchCifar10({ dataDir: '/work/main/data/datasets' })));
await rm('/work/main/data/datasets/cifar10/cifar-10-batches-bin/.convlab-verified.json');
await time('loadDataset cifar10 cold (md5 of 6 files)', () => loadDataset('cifar10', { seed: 42 }));
const data = await time('loadDataset cifar10 warm (md5 cached)', () => loadDataset('cifar10', { seed: 42 }));
console.log('rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
const idx = Array.from({ length: 128 }, (_, i) => i * 7);
for (const [label, opts] of [
  ['makeBatch 128 @32 unit', { inputSize: 32, scaling: 'unit' }],
  ['makeBatch 128 @32 unit + augment', { inputSize: 32, scaling: 'unit', augment: DEFAULT_AUGMENT, rng: mulberry32(1) }],
  ['makeBatch 128 @96 symmetric', { inputSize: 96, scaling: 'symmetric' }],
] as const) {
  makeBatch(data.train, idx, { channels: 3, ...opts }); // warm-up (leaks 2 tensors, fine here)
  const t = performance.now();
  for (let k = 0; k < 10; k++) {
    const b = makeBatch(data.train, idx, { channels: 3, ...opts });
    b.xs.dataSync();
    tf.dispose([b.xs, b.ys]);
  }
  console.log(label, ((performance.now() - t) / 10).toFixed(1), 'ms/batch');
}
