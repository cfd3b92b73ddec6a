/**
 * Pretrained MobileNetV2 backbones (ImageNet, no top) and their fused inference form.
 *
 * Weights come from a local directory, a file:// URL or an https:// URL of a tfjs LayersModel. The
 * input size is patched into the topology before the model is built (any size ≥ 32 works).
 *
 * `fuseBackbone` rebuilds the graph for frozen feature extraction: batch norm folded into the preceding
 * convolution, and `relu6` activations (which tfjs runs as a separate slow Minimum op) replaced by
 * `ReLU(maxValue 6)` layers. Same function, ~2.5× faster on wasm (see REFERENCE-NUMBERS.md).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../contracts/run-config-schema.ts';
import { coreEnv } from '../env.ts';
import { sharedAssetsDir } from '../paths.ts';
import { leanConv2d } from './fast-layers.ts';
import { loadLayersModelFrom, modelJsonPath } from './file-io.ts';

const ALPHA: Record<Backbone, string> = {
  'mobilenet_v2_1.0': '1.0',
  'mobilenet_v2_0.35': '0.35',
};

/** The tfjs-hosted Keras MobileNetV2 no-top weights (the ones Teachable Machine uses). */
export function officialMobileNetV2Url(backbone: Backbone): string {
  const alpha = Number(ALPHA[backbone]).toFixed(2);
  return `https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${alpha}_224_no_top/model.json`;
}

/** The copy in the shared assets folder (`<assets>/mobilenet_v2/alpha-<α>-no-top`). */
export function localMobileNetV2Dir(backbone: Backbone): string {
  return path.join(sharedAssetsDir(), 'mobilenet_v2', `alpha-${ALPHA[backbone]}-no-top`);
}

/**
 * Where to load a backbone from: an explicit location, else CONVLAB_MOBILENET_URL, else the local
 * assets folder when present, else the official URL.
 */
export function resolveMobileNetV2Location(backbone: Backbone, explicit?: string | null): string {
  if (explicit) return explicit;
  const fromEnv = coreEnv().CONVLAB_MOBILENET_URL;
  if (fromEnv) return fromEnv;
  const local = localMobileNetV2Dir(backbone);
  if (existsSync(modelJsonPath(local))) return local;
  return officialMobileNetV2Url(backbone);
}

export interface LoadMobileNetV2Options {
  backbone: Backbone;
  /** Directory, file:// or https:// location of model.json (default: see resolveMobileNetV2Location). */
  url?: string | null;
  /** Square input side. */
  inputSize: number;
}

function setInputShape(topology: Record<string, unknown>, inputSize: number): void {
  const modelConfig = (topology.model_config ?? topology) as {
    config?: { layers?: { class_name: string; config: Record<string, unknown> }[] };
  };
  const inputs = (modelConfig.config?.layers ?? []).filter((l) => l.class_name === 'InputLayer');
  if (inputs.length !== 1) throw new Error('MobileNetV2 topology: expected exactly one InputLayer');
  for (const layer of inputs) layer.config.batch_input_shape = [null, inputSize, inputSize, 3];
}

/** The pretrained weights could not be read: retrying the run will not help, the location must change. */
export class PretrainedWeightsError extends Error {
  override name = 'PretrainedWeightsError';
}

/** Loads the pretrained backbone at `inputSize`×`inputSize`×3. */
export async function loadMobileNetV2(options: LoadMobileNetV2Options): Promise<tf.LayersModel> {
  const { backbone, inputSize } = options;
  if (!Number.isInteger(inputSize) || inputSize < 32)
    throw new Error(`loadMobileNetV2: inputSize must be an integer ≥ 32, got ${inputSize}`);
  const location = resolveMobileNetV2Location(backbone, options.url);
  try {
    return await loadLayersModelFrom(location, (topology) => setInputShape(topology, inputSize));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PretrainedWeightsError(
      `cannot load ${backbone} weights from ${location} (${reason}). Point CONVLAB_MOBILENET_URL (or the ` +
        `run's weightsUrl) at a local tfjs LayersModel folder, e.g. ${localMobileNetV2Dir(backbone)} ` +
        `from the shared assets folder (CONVLAB_ASSETS_DIR).`,
    );
  }
}

type AnyLayer = tf.layers.Layer;

function inboundLayers(layer: AnyLayer): AnyLayer[] {
  const node = layer.inboundNodes[0];
  return node ? node.inboundLayers : [];
}

interface ConvConfig {
  filters?: number;
  kernelSize: number | [number, number];
  strides: number | [number, number];
  padding: 'valid' | 'same';
  dilationRate?: number | [number, number];
  depthMultiplier?: number;
  activation?: string;
  useBias: boolean;
}

/** Weights of a conv/depthwise layer with a following batch norm folded in: y = conv(x)·s + b'. */
function foldBatchNorm(
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  bn: AnyLayer | null,
  depthwise: boolean,
): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const outChannels = depthwise
      ? (kernel.shape[2] ?? 0) * (kernel.shape[3] ?? 1)
      : (kernel.shape[3] ?? 0);
    const b = bias ?? tf.zeros([outChannels]);
    if (!bn) return [kernel.clone(), b.clone()];
    const config = bn.getConfig() as { epsilon?: number; scale?: boolean; center?: boolean };
    const weights = bn.getWeights();
    // Keras order: gamma (if scale), beta (if center), moving mean, moving variance.
    let i = 0;
    const gamma = config.scale === false ? tf.ones([outChannels]) : weights[i++];
    const beta = config.center === false ? tf.zeros([outChannels]) : weights[i++];
    const mean = weights[i++];
    const variance = weights[i++];
    if (!gamma || !beta || !mean || !variance)
      throw new Error(`batch norm ${bn.name}: unexpected weights`);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, config.epsilon ?? 1e-3)));
    const scaledKernel = depthwise
      ? tf.mul(kernel, scale.reshape([1, 1, kernel.shape[2] ?? 0, kernel.shape[3] ?? 1]))
      : tf.mul(kernel, scale);
    const foldedBias = tf.add(tf.mul(tf.sub(b, mean), scale), beta);
    return [scaledKernel, foldedBias];
  });
}

/**
 * Rebuilds a MobileNetV2-style graph with batch norm folded into convolutions and ReLU6 as its own
 * `ReLU` layer. Handles the layer kinds MobileNetV2 uses; anything else is an error. The source model is
 * left untouched (the caller disposes it).
 */
export function fuseBackbone(source: tf.LayersModel, name = 'backbone'): tf.LayersModel {
  const consumers = new Map<string, AnyLayer[]>();
  for (const layer of source.layers) {
    for (const inbound of inboundLayers(layer)) {
      consumers.set(inbound.name, [...(consumers.get(inbound.name) ?? []), layer]);
    }
  }
  const outputs = new Map<string, tf.SymbolicTensor>();
  const folded = new Set<string>();
  const inputOf = (layer: AnyLayer): tf.SymbolicTensor[] =>
    inboundLayers(layer).map((inbound) => {
      const tensor = outputs.get(inbound.name);
      if (!tensor) throw new Error(`fuseBackbone: ${inbound.name} not built before ${layer.name}`);
      return tensor;
    });
  const toDispose: tf.Tensor[] = [];
  let input: tf.SymbolicTensor | null = null;

  for (const layer of source.layers) {
    const className = layer.getClassName();
    if (folded.has(layer.name)) continue;
    if (className === 'InputLayer') {
      const shape = source.inputs[0]?.shape.slice(1) as number[];
      input = tf.input({ shape, name: layer.name });
      outputs.set(layer.name, input);
      continue;
    }
    const [x] = inputOf(layer);
    if (className === 'Conv2D' || className === 'DepthwiseConv2D') {
      const depthwise = className === 'DepthwiseConv2D';
      const config = layer.getConfig() as unknown as ConvConfig;
      const next = consumers.get(layer.name) ?? [];
      const bn =
        next.length === 1 && next[0]?.getClassName() === 'BatchNormalization' ? next[0] : null;
      const activation = bn ? 'linear' : (config.activation ?? 'linear');
      const [kernel, bias] = layer.getWeights();
      if (!kernel) throw new Error(`fuseBackbone: ${layer.name} has no kernel`);
      const weights = foldBatchNorm(kernel, config.useBias ? (bias ?? null) : null, bn, depthwise);
      toDispose.push(...weights);
      const common = {
        name: layer.name,
        kernelSize: config.kernelSize,
        strides: config.strides,
        padding: config.padding,
        dilationRate: config.dilationRate,
        useBias: true,
        activation: (activation === 'relu6' ? 'linear' : activation) as 'linear',
      };
      const fused = depthwise
        ? tf.layers.depthwiseConv2d({ ...common, depthMultiplier: config.depthMultiplier ?? 1 })
        : leanConv2d({ ...common, filters: config.filters ?? 0 });
      let y = fused.apply(x as tf.SymbolicTensor) as tf.SymbolicTensor;
      fused.setWeights(weights);
      if (activation === 'relu6') {
        y = tf.layers
          .reLU({ name: `${layer.name}_relu6`, maxValue: 6 })
          .apply(y) as tf.SymbolicTensor;
      }
      outputs.set(layer.name, y);
      if (bn) {
        folded.add(bn.name);
        outputs.set(bn.name, y);
      }
      continue;
    }
    const config = layer.getConfig() as { padding?: number[][]; maxValue?: number };
    let rebuilt: AnyLayer;
    if (className === 'ZeroPadding2D') {
      rebuilt = tf.layers.zeroPadding2d({
        name: layer.name,
        padding: config.padding as [[number, number], [number, number]],
      });
    } else if (className === 'ReLU') {
      rebuilt = tf.layers.reLU({ name: layer.name, maxValue: config.maxValue });
    } else if (className === 'Add') {
      rebuilt = tf.layers.add({ name: layer.name });
    } else {
      throw new Error(`fuseBackbone: unsupported layer ${layer.name} (${className})`);
    }
    const inputs = inputOf(layer);
    const y = rebuilt.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor;
    outputs.set(layer.name, y);
  }
  const outputName = source.outputs[0]?.sourceLayer.name;
  const output = outputName ? outputs.get(outputName) : undefined;
  if (!input || !output) throw new Error('fuseBackbone: could not find the input or the output');
  const model = tf.model({ inputs: input, outputs: output, name });
  tf.dispose(toDispose);
  return model;
}
