/**
 * One replica's share of a data-parallel step, the same on the main thread and in a worker: the loss
 * and gradients of its slice of the batch (what LayersModel.trainOnBatch computes: the compiled loss,
 * accuracy and the regularizers' penalties), written scaled by rows/batch into its slot; then the
 * averaged gradient applied by its own optimizer, and the averaged batch-norm moving statistics written
 * back, so every replica holds the same weights, optimizer state and statistics after every step.
 */
import * as tf from '@tensorflow/tfjs';
import { heapF32, type WasmBackend } from '../backend/wasm-kernels/wasm-heap.ts';
import type { GradientExchange } from './shared-gradients.ts';

/** tf.layers' LayerVariable: what model.weights holds. */
interface LayerVariable {
  name: string;
  shape: tf.Shape;
  trainable: boolean;
  read(): tf.Variable;
  write(value: tf.Tensor): void;
}

/** What trainOnBatch uses and tf.LayersModel does not type as public. */
interface CompiledModel {
  lossFunctions: ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)[];
  calculateLosses(): tf.Scalar[];
}

/** Where a replica's steps went, in ms summed over steps (the bench's all-reduce cost). */
export interface ReplicaStepTiming {
  steps: number;
  /** Forward and backward pass of its slice. */
  gradientsMs: number;
  /** Its gradients copied into its slot and its share of every slot reduced: the all-reduce's work. */
  exchangeMs: number;
  /** Waiting at the two barriers for the slowest replica. */
  waitMs: number;
  /** The average copied back into the wasm heap, the optimizer step and the statistics written. */
  applyMs: number;
}

export function emptyReplicaStepTiming(): ReplicaStepTiming {
  return { steps: 0, gradientsMs: 0, exchangeMs: 0, waitMs: 0, applyMs: 0 };
}

/** What a replica trains in the current phase: the model, its all-reduced variables, its exchange. */
export interface ReplicaPhase {
  model: tf.LayersModel;
  variables: ReplicaVariables;
  exchange: GradientExchange;
}

/** The variables one phase's all-reduce carries, in a fixed order every replica shares. */
export interface ReplicaVariables {
  trainable: LayerVariable[];
  /**
   * The batch-norm layers' non-trainable weights (moving means and variances; all of a frozen layer's):
   * per replica in training, averaged after every step.
   */
  statistics: LayerVariable[];
  /** Floats in one slot. */
  length: number;
}

export function replicaVariables(model: tf.LayersModel): ReplicaVariables {
  const trainable = model.trainableWeights as unknown as LayerVariable[];
  // By layer, not by name: a second model built in one process gets suffixed variable names.
  const statistics = layersOf(model)
    .filter((layer) => layer.getClassName() === 'BatchNormalization')
    .flatMap((layer) => layer.nonTrainableWeights as unknown as LayerVariable[]);
  const length = [...trainable, ...statistics].reduce((sum, w) => sum + sizeOf(w.shape), 0);
  return { trainable, statistics, length };
}

/** Every layer, those of nested models included. */
function layersOf(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) =>
    'layers' in layer ? layersOf(layer as tf.LayersModel) : [layer],
  );
}

function sizeOf(shape: tf.Shape): number {
  return shape.reduce<number>((product, d) => product * (d ?? 0), 1);
}

/**
 * Computes this replica's slice (rows of the batch; 0 rows contributes nothing), writes it into the
 * exchange, and returns once the averaged step is applied. `arrive` is the barrier: blocking in a worker,
 * asynchronous on the main thread.
 */
export async function replicaStep(
  model: tf.LayersModel,
  variables: ReplicaVariables,
  exchange: GradientExchange,
  slice: { xs: tf.Tensor; ys: tf.Tensor; rows: number },
  arrive: () => void | Promise<void>,
  timing: ReplicaStepTiming = emptyReplicaStepTiming(),
): Promise<void> {
  let mark = performance.now();
  const lap = (part: Exclude<keyof ReplicaStepTiming, 'steps'>) => {
    const now = performance.now();
    timing[part] += now - mark;
    mark = now;
  };
  if (slice.rows > 0) {
    const { loss, acc } = await writeGradients(model, variables, slice, exchange.slot(), () =>
      lap('gradientsMs'),
    );
    exchange.setMetrics(slice.rows, loss, acc);
  } else {
    exchange.setMetrics(0, 0, 0);
  }
  lap('exchangeMs');
  await arrive();
  lap('waitMs');
  exchange.reduceOwnShare();
  lap('exchangeMs');
  await arrive();
  lap('waitMs');
  applyAveraged(model, variables, exchange.result());
  lap('applyMs');
  timing.steps += 1;
}

/**
 * Runs the slice forward and backward and writes the gradients, then the statistics the forward pass
 * just updated, straight from the wasm heap into the slot (no copy on the JS heap per step).
 */
async function writeGradients(
  model: tf.LayersModel,
  variables: ReplicaVariables,
  { xs, ys }: { xs: tf.Tensor; ys: tf.Tensor },
  slot: Float32Array,
  onComputed: () => void,
): Promise<{ loss: number; acc: number }> {
  const compiled = compiledModel(model);
  const lossFunction = compiled.lossFunctions[0];
  if (!lossFunction) throw new Error('replicaStep: the model has no loss');
  let accuracy: tf.Scalar | null = null;
  const { value, grads } = tf.variableGrads(
    () => {
      const predicted = model.apply(xs, { training: true }) as tf.Tensor;
      accuracy = tf.keep(tf.mean<tf.Scalar>(tf.metrics.categoricalAccuracy(ys, predicted)));
      let total = tf.mean(lossFunction(ys, predicted));
      for (const penalty of compiled.calculateLosses()) total = tf.add(total, penalty);
      return total as tf.Scalar;
    },
    variables.trainable.map((w) => w.read()),
  );
  try {
    onComputed();
    const backend = tf.backend() as unknown as WasmBackend;
    const parts = [
      ...variables.trainable.map((weight) => {
        const gradient = grads[weight.read().name];
        if (!gradient) throw new Error(`replicaStep: no gradient for ${weight.name}`);
        return gradient;
      }),
      ...variables.statistics.map((statistic) => statistic.read()),
    ];
    let offset = 0;
    for (const part of parts) {
      // A heap view goes stale when the heap grows: taken right before its copy.
      const values = heapF32(backend, part);
      slot.set(values, offset);
      offset += values.length;
    }
    return {
      loss: (await value.data())[0] ?? NaN,
      acc: (await (accuracy as tf.Scalar | null)?.data())?.[0] ?? NaN,
    };
  } finally {
    tf.dispose([value, ...Object.values(grads), ...(accuracy ? [accuracy] : [])]);
  }
}

/**
 * Applies the averaged gradient with this replica's optimizer and writes the averaged statistics.
 * tf.tensor copies its values into the wasm heap at once, so views of shared memory are safe here.
 */
function applyAveraged(
  model: tf.LayersModel,
  variables: ReplicaVariables,
  averaged: Float32Array,
): void {
  let offset = 0;
  const tensors = [...variables.trainable, ...variables.statistics].map((weight) => {
    const size = sizeOf(weight.shape);
    const tensor = tf.tensor(averaged.subarray(offset, offset + size), weight.shape as number[]);
    offset += size;
    return tensor;
  });
  const gradients = variables.trainable.map((w, i) => ({
    name: w.read().name,
    tensor: tensors[i] as tf.Tensor,
  }));
  model.optimizer.applyGradients(gradients);
  variables.statistics.forEach((statistic, i) =>
    statistic.write(tensors[variables.trainable.length + i] as tf.Tensor),
  );
  tf.dispose(tensors);
}

/** The LayersModel that compile() set up: a Sequential keeps it inside, as `model`. */
function compiledModel(model: tf.LayersModel): CompiledModel {
  const candidate = model as unknown as Partial<CompiledModel> & { model?: unknown };
  if (candidate.lossFunctions) return candidate as CompiledModel;
  const inner = candidate.model as Partial<CompiledModel> | undefined;
  if (inner?.lossFunctions) return inner as CompiledModel;
  throw new Error('replicaStep: the model is not compiled');
}
