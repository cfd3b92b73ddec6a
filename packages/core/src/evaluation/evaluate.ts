/**
 * Runs a model over an image set in batches (tidy, one batch of tensors alive at a time) and returns the
 * mean categorical cross-entropy, the accuracy and every probability row.
 */
import * as tf from '@tensorflow/tfjs';
import type { InputScaling } from '../contracts/run-config-schema.ts';
import { epochBatchIndices, makeBatch } from '../data/batch.ts';
import type { ImageSet } from '../data/types.ts';

export interface EvaluateOptions {
  inputSize: number;
  scaling: InputScaling;
  batchSize?: number;
  /** Splits the batches across data-parallel replicas. */
  parallel?: ParallelPredictor | null;
}

export interface Evaluation {
  loss: number;
  acc: number;
  /** Row-major [count × numClasses] probabilities. */
  probs: Float32Array;
  /** Predicted class per image. */
  predicted: Int32Array;
  numClasses: number;
}

/** Keras's categorical cross-entropy clips probabilities to [ε, 1−ε] before the log. */
const EPSILON = 1e-7;

/** Loss/accuracy from probabilities and integer labels (what Keras reports for one-hot targets). */
export function scoreProbabilities(
  probs: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
): { loss: number; acc: number; predicted: Int32Array } {
  const count = labels.length;
  if (probs.length !== count * numClasses)
    throw new Error(`expected ${count}×${numClasses} probabilities, got ${probs.length}`);
  const predicted = new Int32Array(count);
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const offset = i * numClasses;
    let best = 0;
    let rowSum = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = probs[offset + c] ?? 0;
      rowSum += p;
      if (p > (probs[offset + best] ?? 0)) best = c;
    }
    predicted[i] = best;
    const label = labels[i] ?? 0;
    if (best === label) correct++;
    // Keras normalises the rows, then clips, then takes −log p(true class).
    const p = Math.min(Math.max((probs[offset + label] ?? 0) / rowSum, EPSILON), 1 - EPSILON);
    lossSum -= Math.log(p);
  }
  return { loss: count ? lossSum / count : 0, acc: count ? correct / count : 0, predicted };
}

/** Thrown by predictInBatches when its shouldStop says stop. */
export class PredictionStopped extends Error {
  constructor() {
    super('prediction stopped on request');
  }
}

/**
 * Other threads that hold the same models (data-parallel replicas): a group of batches is predicted at
 * once, one batch per replica.
 */
export interface ParallelPredictor {
  /** Batches in a group: this thread's and one per other replica. */
  readonly workers: number;
  /** `model`'s outputs for each input (input 0 on this thread), in order; the caller owns the inputs. */
  predictGroup(model: tf.LayersModel, inputs: tf.Tensor[]): Promise<Float32Array[]>;
}

export interface BatchedPrediction {
  /** Checked before each group of batches; throws PredictionStopped when it says stop. */
  shouldStop?: () => boolean | Promise<boolean>;
  /** Splits the batches across data-parallel replicas. */
  parallel?: ParallelPredictor | null;
}

/**
 * Runs `model` over `count` inputs made batch by batch by `makeInput` (which the caller's tensors own)
 * and hands each batch's output rows to `onRows`, in order.
 */
export async function forEachPredictedBatch(
  model: tf.LayersModel,
  count: number,
  batchSize: number,
  makeInput: (indices: Int32Array) => tf.Tensor,
  onRows: (values: Float32Array, firstRow: number, rows: number) => void | Promise<void>,
  { shouldStop, parallel }: BatchedPrediction = {},
): Promise<void> {
  const batches = [...epochBatchIndices(count, { batchSize, shuffle: false })];
  const group = Math.max(1, parallel?.workers ?? 1);
  let row = 0;
  for (let first = 0; first < batches.length; first += group) {
    if (await shouldStop?.()) throw new PredictionStopped();
    const indices = batches.slice(first, first + group);
    const inputs = indices.map(makeInput);
    let outputs: Float32Array[];
    try {
      outputs =
        parallel && inputs.length > 1
          ? await parallel.predictGroup(model, inputs)
          : await Promise.all(inputs.map((input) => predictBatch(model, input)));
    } finally {
      tf.dispose(inputs);
    }
    for (const [i, batch] of indices.entries()) {
      await onRows(outputs[i] ?? new Float32Array(0), row, batch.length);
      row += batch.length;
    }
  }
}

/** One batch's outputs, read back (asynchronously: webgpu cannot read synchronously under Node). */
export async function predictBatch(model: tf.LayersModel, input: tf.Tensor): Promise<Float32Array> {
  const output = tf.tidy(() => model.predict(input) as tf.Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

/** Probabilities for inputs produced batch by batch by `makeInput` (which the caller's tensors own). */
export async function predictInBatches(
  model: tf.LayersModel,
  count: number,
  batchSize: number,
  makeInput: (indices: Int32Array) => tf.Tensor,
  /** Checked before each batch; throws PredictionStopped when it says stop. */
  shouldStop?: () => boolean | Promise<boolean>,
  parallel?: ParallelPredictor | null,
): Promise<Float32Array> {
  const numClasses = model.outputs[0]?.shape[1] ?? 0;
  const probs = new Float32Array(count * numClasses);
  await forEachPredictedBatch(
    model,
    count,
    batchSize,
    makeInput,
    (values, firstRow) => probs.set(values, firstRow * numClasses),
    { shouldStop, parallel },
  );
  return probs;
}

/** makeInput for predictInBatches: the set's images as a test batch (scaled, resized, no augmentation). */
export function testBatchInput(
  set: ImageSet,
  options: { inputSize: number; scaling: InputScaling },
): (indices: Int32Array) => tf.Tensor {
  return (indices) => {
    const { xs, ys } = makeBatch(set, indices, { ...options, channels: 3 });
    ys.dispose();
    return xs;
  };
}

export async function evaluateModel(
  model: tf.LayersModel,
  set: ImageSet,
  options: EvaluateOptions,
): Promise<Evaluation> {
  if (set.count === 0) throw new Error('evaluateModel: the image set is empty');
  const numClasses = set.numClasses;
  const batchSize = options.batchSize ?? 128;
  const probs = await predictInBatches(
    model,
    set.count,
    batchSize,
    testBatchInput(set, { inputSize: options.inputSize, scaling: options.scaling }),
    undefined,
    options.parallel,
  );
  const { loss, acc, predicted } = scoreProbabilities(
    probs,
    set.labels.subarray(0, set.count),
    numClasses,
  );
  return { loss, acc, probs, predicted, numClasses };
}
