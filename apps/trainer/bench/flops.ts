/**
 * Floating-point work of one training step, per image, counted from a model's layers: what turns an
 * img/s figure into GFLOP/s, to compare with what the SIMD GEMM reaches on this machine.
 */
import type * as tf from '@tensorflow/tfjs';

interface Counted {
  /** FLOPs per image of a forward pass through the layer's kernel (2 per multiply-add). */
  forward: number;
  trainable: boolean;
}

/** Layers with a kernel weight (conv, depthwise conv, dense), in model order, nested models flattened. */
function kernelLayers(model: tf.LayersModel | tf.layers.Layer): Counted[] {
  const inner = (model as { layers?: tf.layers.Layer[] }).layers;
  if (inner) return inner.flatMap((layer) => kernelLayers(layer));
  const layer = model as tf.layers.Layer;
  const kernel = layer.weights.find((w) => /kernel$/.test(w.originalName));
  if (!kernel) return [];
  const out = (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as (
    number | null
  )[];
  const dims = out.slice(1) as number[];
  const channels = dims[dims.length - 1] ?? 1;
  const positions = dims.reduce((a, b) => a * b, 1) / channels;
  // Conv: kh·kw·cin·cout multiply-adds per output position; depthwise: kh·kw·cin·multiplier; dense: in·out.
  const macsPerPosition = (kernel.shape as number[]).reduce((a, b) => a * b, 1);
  return [
    { forward: 2 * positions * macsPerPosition, trainable: layer.trainable && kernel.trainable },
  ];
}

/**
 * FLOPs per image of one training step: every kernel layer's forward pass, plus its weight gradient when
 * it is trainable, plus its input gradient when a trainable layer lies below it. Element-wise work
 * (activations, batch norm, pooling, the optimizer) is left out: it is a few per cent of the whole.
 */
export function trainingFlopsPerImage(model: tf.LayersModel): number {
  let trainableBelow = false;
  let flops = 0;
  for (const { forward, trainable } of kernelLayers(model)) {
    flops += forward * (1 + (trainable ? 1 : 0) + (trainableBelow ? 1 : 0));
    trainableBelow ||= trainable;
  }
  return flops;
}
