import * as tf from '@tensorflow/tfjs';
import { initBackend, loadMobileNetV2, fuseBackbone } from '../src/index.ts';
await initBackend();
for (const backbone of ['mobilenet_v2_0.35', 'mobilenet_v2_1.0'] as const) {
  for (const size of [32, 96]) {
  let t = Date.now();
  const m = await loadMobileNetV2({ backbone, inputSize: size });
  console.log(backbone, size, 'load ms', Date.now() - t, m.layers.length, m.countParams(), m.outputs[0].shape);
  t = Date.now();
  const f = fuseBackbone(m);
  console.log('fuse ms', Date.now() - t, f.layers.length, f.countParams());
  const x = tf.randomUniform([8, size, size, 3], -1, 1, 'float32', 7);
  const a = m.predict(x) as tf.Tensor; const b = f.predict(x) as tf.Tensor;
  console.log('maxdiff', tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], 'maxabs', tf.max(tf.abs(a)).dataSync()[0]);
  tf.dispose([x, a, b]); m.dispose(); f.dispose();
  console.log(tf.memory().numTensors);
  }
}
