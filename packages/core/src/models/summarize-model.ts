/**
 * The summary of a built model (config/model-summary.ts): per layer its kind, output shape and
 * parameters, which layers the first phase trains, and which backbone layers fine-tuning unfreezes.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelSummary } from '../contracts/model-summary.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import type { ConvlabModel } from './build.ts';

/** The first output's shape without its batch dimension. */
function outputShapeOf(layer: tf.layers.Layer): (number | null)[] {
  const shape = layer.outputShape;
  const first = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  return first.slice(1);
}

export function summarizeModel(
  built: ConvlabModel,
  config: Pick<RunConfig, 'fineTuneLayers' | 'fineTuneEpochs'>,
): ModelSummary {
  const backbone = built.transfer?.backboneLayers ?? [];
  const fineTuning = config.fineTuneEpochs > 0 ? config.fineTuneLayers : 0;
  const fineTuned = new Set(fineTuning > 0 ? backbone.slice(-fineTuning) : []);
  const inBackbone = new Set(backbone);
  const layers = built.model.layers
    .filter((layer) => layer.getClassName() !== 'InputLayer')
    .map((layer) => ({
      name: layer.name,
      kind: layer.getClassName(),
      outputShape: outputShapeOf(layer),
      params: layer.countParams(),
      trainable: layer.trainable && !inBackbone.has(layer),
      backbone: inBackbone.has(layer),
      fineTuned: fineTuned.has(layer),
    }));
  const sum = (pick: (l: (typeof layers)[number]) => boolean) =>
    layers.filter(pick).reduce((total, l) => total + l.params, 0);
  const totalParams = built.model.countParams();
  // As Keras counts them: batch norm's moving statistics are never trainable.
  const trainableParams = built.model.layers
    .filter((layer) => !inBackbone.has(layer))
    .flatMap((layer) => layer.trainableWeights)
    .reduce((total, weight) => total + (weight.shape as number[]).reduce((a, b) => a * b, 1), 0);
  return {
    name: built.model.name,
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    fineTunedParams: sum((l) => l.fineTuned),
  };
}
