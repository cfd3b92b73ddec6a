/**
 * Every fast wasm kernel against the cpu backend on random inputs (several shapes, stride 2, 'valid'
 * padding, batch > 1, non-square), plus a short training run whose losses must match the cpu backend's.
 * Run once per build of the SIMD kernels (fast-kernels-*.test.ts; one build per test process).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { FastAdamOptimizer } from '../../src/backend/wasm-kernels/adam.ts';
import {
  fastKernelsSimdVariant,
  registerFastWasmKernels,
} from '../../src/backend/wasm-kernels/index.ts';
import type { SimdVariant } from '../../src/backend/wasm-kernels/simd-module.ts';

type Inputs = Record<string, { shape: number[]; values: Float32Array }>;

let seed = 1;
function random(shape: number[], offset = 0): { shape: number[]; values: Float32Array } {
  const values = tf.tidy(
    () => tf.randomNormal(shape, offset, 1, 'float32', seed++).dataSync() as Float32Array,
  );
  return { shape, values: Float32Array.from(values) };
}

async function runOn(
  backend: string,
  kernel: string,
  inputs: Inputs,
  attrs: object,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const tensors: Record<string, tf.Tensor> = {};
  for (const [name, { shape, values }] of Object.entries(inputs))
    tensors[name] = tf.tensor(values, shape);
  const out = tf.engine().runKernel<tf.Tensor>(kernel, tensors, attrs as tf.NamedAttrMap);
  const data = await out.data<'float32'>();
  tf.dispose([out, ...Object.values(tensors)]);
  return data;
}

/**
 * Runs the kernel on cpu and wasm and logs the max abs difference. Returns it scaled by the output's
 * magnitude (max(1, max |expected|)): float32 sums of thousands of terms differ by summation order.
 * Also checks that the kernel freed every temporary wasm buffer.
 */
async function maxAbsError(kernel: string, inputs: Inputs, attrs: object): Promise<number> {
  const expected = await runOn('cpu', kernel, inputs, attrs);
  await tf.setBackend('wasm');
  const idsBefore = tf.engine().backend.numDataIds();
  const actual = await runOn('wasm', kernel, inputs, attrs);
  expect(tf.engine().backend.numDataIds()).toBe(idsBefore);
  expect(actual.length).toBe(expected.length);
  let error = 0;
  let scale = 1;
  for (let i = 0; i < actual.length; i++) {
    error = Math.max(error, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  console.log(
    `${kernel} ${JSON.stringify(attrs)} max abs error ${error.toExponential(2)} (scale ${scale.toFixed(1)})`,
  );
  return error / scale;
}

const CONV_CASES = [
  { x: [2, 8, 7, 3], k: [3, 3], out: 5, stride: 1, pad: 'same' },
  { x: [3, 9, 8, 4], k: [3, 3], out: 6, stride: 2, pad: 'same' },
  { x: [2, 9, 8, 4], k: [3, 3], out: 6, stride: 2, pad: 'valid' },
  { x: [2, 11, 10, 2], k: [5, 3], out: 3, stride: 2, pad: 'valid' },
  { x: [2, 6, 5, 8], k: [1, 1], out: 4, stride: 1, pad: 'valid' },
  { x: [130, 6, 6, 8], k: [3, 3], out: 64, stride: 1, pad: 'same' }, // two batch slices
  // Output channels a multiple of 4: the SIMD filter gradient (8-wide tiles, a 4-wide tail, row tails).
  { x: [3, 9, 8, 4], k: [3, 3], out: 8, stride: 2, pad: 'same' },
  { x: [2, 9, 8, 5], k: [3, 3], out: 12, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], k: [2, 2], out: 16, stride: 1, pad: 'same' },
] as const;

/** Depthwise cases: channels that fill SIMD lanes and leave a tail, strides 1 and 2, both paddings. */
const DEPTHWISE_CASES = [
  ...CONV_CASES.slice(0, 4),
  { x: [2, 7, 7, 8], k: [3, 3], out: 0, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 6], k: [3, 3], out: 0, stride: 2, pad: 'same' },
  { x: [3, 8, 9, 12], k: [3, 3], out: 0, stride: 2, pad: 'valid' },
] as const;

export function defineFastKernelTests(variant: SimdVariant): void {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const names = registerFastWasmKernels({ simd: variant });
    expect(names[0]).toBe('Conv2DBackpropFilter');
    expect(registerFastWasmKernels()).toEqual(names);
    // Node 20 and newer accept relaxed SIMD once it is switched on, so the build asked for is the one used.
    expect(fastKernelsSimdVariant()).toBe(variant);
  });

  describe('fast wasm kernels match the cpu backend', { timeout: 30_000 }, () => {
    it.each(CONV_CASES)('Conv2DBackpropFilter and Conv2DBackpropInput %j', async (c) => {
      const filterShape = [c.k[0], c.k[1], c.x[3], c.out] as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo([...c.x], filterShape, c.stride, 1, c.pad);
      const dy = random(info.outShape);
      const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const filterError = await maxAbsError(
        'Conv2DBackpropFilter',
        { x: random([...c.x]), dy },
        { ...common, filterShape },
      );
      expect(filterError).toBeLessThan(1e-5);
      const inputError = await maxAbsError(
        'Conv2DBackpropInput',
        { dy, filter: random(filterShape) },
        { ...common, inputShape: c.x },
      );
      expect(inputError).toBeLessThan(1e-5);
    });

    it.each(DEPTHWISE_CASES)('DepthwiseConv2dNativeBackprop{Filter,Input} %j', async (c) => {
      for (const multiplier of [1, 2]) {
        const filterShape = [c.k[0], c.k[1], c.x[3], multiplier] as [
          number,
          number,
          number,
          number,
        ];
        const info = tf.backend_util.computeConv2DInfo(
          [...c.x],
          filterShape,
          c.stride,
          1,
          c.pad,
          undefined,
          true,
        );
        const dy = random(info.outShape);
        const common = { strides: c.stride, dilations: 1, pad: c.pad };
        expect(
          await maxAbsError(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: random([...c.x]), dy },
            { ...common, filterShape },
          ),
        ).toBeLessThan(1e-5);
        expect(
          await maxAbsError(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: random(filterShape) },
            { ...common, inputShape: c.x },
          ),
        ).toBeLessThan(1e-5);
      }
    });

    it.each([
      { x: [2, 8, 6, 5], size: 2, stride: 2, pad: 'valid', offset: -3 },
      { x: [2, 9, 7, 3], size: 2, stride: 2, pad: 'valid', offset: 0 },
      { x: [2, 9, 7, 3], size: 3, stride: 2, pad: 'same', offset: -3 },
      { x: [3, 7, 8, 4], size: 2, stride: 1, pad: 'same', offset: 0 },
      { x: [2, 6, 8, 8], size: 2, stride: 2, pad: 'valid', offset: -1 },
    ] as const)('MaxPoolGrad %j (negative window maxima included)', async (c) => {
      const x = random([...c.x], c.offset);
      await tf.setBackend('cpu');
      const y = tf.maxPool(
        tf.tensor4d(x.values, [...c.x] as [number, number, number, number]),
        c.size,
        c.stride,
        c.pad,
      );
      const output = { shape: y.shape, values: y.dataSync() as Float32Array };
      y.dispose();
      const attrs = { filterSize: c.size, strides: c.stride, pad: c.pad };
      expect(
        await maxAbsError('MaxPoolGrad', { dy: random(output.shape), input: x, output }, attrs),
      ).toBeLessThan(1e-6); // overlapping windows add in a different order
    });

    it.each([
      { x: [2, 5, 4, 12], k: 1, out: 20, activation: 'relu6', bias: true },
      { x: [3, 3, 3, 9], k: 1, out: 6, activation: 'relu', bias: true },
      { x: [2, 4, 4, 8], k: 1, out: 16, activation: 'linear', bias: false },
      { x: [2, 6, 6, 4], k: 3, out: 8, activation: 'relu', bias: true }, // not 1×1: stock kernel
    ])('FusedConv2D and Conv2D %j', async ({ x, k, out, activation, bias }) => {
      const inputs = {
        x: random(x),
        filter: random([k, k, x[3]!, out]),
        ...(bias ? { bias: random([out]) } : {}),
      };
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation };
      expect(await maxAbsError('FusedConv2D', inputs, attrs)).toBeLessThan(1e-5);
      const plain = { x: inputs.x, filter: inputs.filter };
      expect(await maxAbsError('Conv2D', plain, attrs)).toBeLessThan(1e-5);
    });

    it.each([
      { a: [1, 7, 5], b: [1, 6, 5], transposeA: false, transposeB: true },
      { a: [1, 7, 5], b: [1, 7, 6], transposeA: true, transposeB: false },
      { a: [2, 5, 7], b: [2, 6, 5], transposeA: true, transposeB: true },
      { a: [1, 3, 40], b: [1, 50, 40], transposeA: false, transposeB: true }, // Cᵀ = B·Aᵀ path
      { a: [3, 4, 5], b: [3, 5, 6], transposeA: false, transposeB: false },
      // Long inner dimensions (several K blocks), 8-wide tiles with 4-wide and scalar column tails.
      { a: [1, 9, 600], b: [1, 600, 21], transposeA: false, transposeB: false },
      { a: [2, 300, 9], b: [2, 300, 13], transposeA: true, transposeB: false },
      { a: [1, 6, 300], b: [1, 700, 300], transposeA: false, transposeB: true },
      { a: [2, 6, 30], b: [1, 30, 12], transposeA: false, transposeB: false }, // broadcast B
    ])('BatchMatMul %j', async ({ a, b, ...attrs }) => {
      expect(await maxAbsError('BatchMatMul', { a: random(a), b: random(b) }, attrs)).toBeLessThan(
        1e-4,
      );
    });

    it.each([
      { shape: [4, 5, 6, 7], axis: [0, 1, 2], keepDims: false },
      { shape: [4, 5, 6, 7], axis: [1, 0], keepDims: true },
      { shape: [300, 9], axis: 0, keepDims: false },
      { shape: [4, 5, 6], axis: [1, 2], keepDims: false }, // not leading: stock kernel
    ])('Sum %j', async ({ shape, ...attrs }) => {
      expect(await maxAbsError('Sum', { x: random(shape) }, attrs)).toBeLessThan(1e-5);
    });

    it.each([
      { shape: [50, 12], begin: [7, 0], size: [9, 12] }, // rows of a matrix: one contiguous range
      { shape: [6, 4, 4, 3], begin: [2, 0, 0, 0], size: [-1, 4, 4, 3] }, // to the end
      { shape: [6, 4, 4, 3], begin: [1, 2, 0, 0], size: [1, 2, 4, 3] }, // contiguous inside a row
      { shape: [6, 4, 4, 3], begin: [0, 1, 0, 0], size: [6, 2, 4, 3] }, // strided: stock kernel
      { shape: [10, 7], begin: [3, 2], size: [4, 3] }, // strided: stock kernel
    ])('Slice %j', async ({ shape, ...attrs }) => {
      expect(await maxAbsError('Slice', { x: random(shape) }, attrs)).toBe(0);
    });

    it('slices int32 tensors', async () => {
      await tf.setBackend('wasm');
      const x = tf.range(0, 40, 1, 'int32').reshape([10, 4]);
      const rows = x.slice([3, 0], [2, 4]);
      expect(rows.dtype).toBe('int32');
      expect(Array.from(await rows.data())).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
      tf.dispose([x, rows]);
    });
  });

  describe('fused element-wise gradients and optimizer', () => {
    it('computes ReLU gradients like the cpu backend', async () => {
      const x = random([3, 5, 7, 6]);
      const dy = random([3, 5, 7, 6]);
      const gradientOn = async (backend: string) => {
        await tf.setBackend(backend);
        const [xs, dys] = [tf.tensor(x.values, x.shape), tf.tensor(dy.values, dy.shape)];
        const grad = tf.grad((t: tf.Tensor) => tf.relu(t))(xs, dys);
        const values = await grad.data<'float32'>();
        tf.dispose([xs, dys, grad]);
        return values;
      };
      const expected = await gradientOn('cpu');
      const actual = await gradientOn('wasm');
      // dy·0 is −0 where dy < 0; the mask gives +0. Equal values, so compare with −0 folded into 0.
      const fold = (values: Float32Array) => Array.from(values, (v) => v + 0);
      expect(fold(actual)).toEqual(fold(expected));
    });

    it('FastAdamOptimizer updates weights bit-identically to tf.train.adam', async () => {
      await tf.setBackend('wasm');
      const init = random([37, 5]);
      const grads = [random([37, 5]), random([37, 5]), random([37, 5])];
      const trainWith = (optimizer: tf.Optimizer) => {
        const w = tf.variable(tf.tensor(init.values, init.shape));
        for (const g of grads) {
          const gradient = tf.tensor(g.values, g.shape);
          optimizer.applyGradients({ [w.name]: gradient });
          gradient.dispose();
        }
        const values = w.dataSync().slice();
        w.dispose();
        optimizer.dispose();
        return values;
      };
      const stock = trainWith(tf.train.adam(0.01));
      const fast = trainWith(new FastAdamOptimizer(0.01, 0.9, 0.999));
      expect(Array.from(fast)).toEqual(Array.from(stock));
      expect(stock[0]).not.toBe(init.values[0]);
    });
  });

  describe('training with the fast kernels', () => {
    it('gives the cpu backend’s losses for a seed-cnn-shaped model', async () => {
      const build = () => {
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({
              inputShape: [12, 12, 3],
              filters: 8,
              kernelSize: 3,
              padding: 'same',
              activation: 'relu',
            }),
            tf.layers.maxPooling2d({ poolSize: 2 }),
            tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
            tf.layers.maxPooling2d({ poolSize: 2 }),
            tf.layers.flatten(),
            tf.layers.dense({ units: 32, activation: 'relu' }),
            tf.layers.dense({ units: 4, activation: 'softmax' }),
          ],
        });
        model.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
        return model;
      };
      const x = random([48, 12, 12, 3]);
      const labels = Array.from({ length: 48 }, (_, i) => (i * 7) % 4);
      const losses: Record<string, number[]> = {};
      let weights: Float32Array[] | null = null;
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const model = build();
        if (weights)
          model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
        else weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
        const xs = tf.tensor4d(x.values, [48, 12, 12, 3]);
        const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat();
        losses[backend] = [];
        for (let step = 0; step < 6; step++) {
          const loss = await model.trainOnBatch(xs, ys);
          losses[backend].push(Array.isArray(loss) ? loss[0]! : loss);
        }
        tf.dispose([xs, ys]);
        model.dispose();
      }
      console.log('losses cpu', losses.cpu, 'wasm', losses.wasm);
      expect(losses.wasm!.at(-1)!).toBeLessThan(losses.wasm![0]!);
      losses.cpu!.forEach((loss, i) =>
        expect(Math.abs(loss - losses.wasm![i]!)).toBeLessThan(1e-3),
      );
    }, 60_000);
  });
}
