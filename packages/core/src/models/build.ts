/**
 * `buildModel`: a run config → a compiled model. CNN presets are one model. Transfer presets are a frozen
 * pretrained backbone, a parameter-free feature pooling (Flatten or GlobalAveragePooling) and a small
 * trainable head; the head is also a model of its own, so the frozen phase can train it on cached
 * features, and `model` (backbone → pooling → head, sharing the head's layers) is what fine-tuning
 * trains and evaluation runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { InputScaling, PresetName, RunConfig } from '../contracts/run-config-schema.ts';
import { FastAdamOptimizer } from '../backend/wasm-kernels/adam.ts';
import { deriveSeed } from '../data/random.ts';
import {
  buildCnnPlus,
  buildCnnPlusV1,
  buildSeedCnn,
  buildTinyCnn,
  WHITENING_LAYER,
} from './cnn.ts';
import { defaultDataPolicy } from '../policy/data-policy.ts';
import { fuseBackbone, loadMobileNetV2, PretrainedWeightsError } from './mobilenet.ts';
import { checkWeightsUrl, type WeightsPolicy } from './weights-location.ts';

export interface TransferParts {
  /** The pretrained backbone plus the pooling: image → feature vector. Frozen unless fine-tuning. */
  features: tf.LayersModel;
  /** Layers of the backbone proper, in order (what `fineTuneLayers` counts from the end). */
  backboneLayers: tf.layers.Layer[];
  /** Feature vector → class probabilities (shares its layers with `model`). */
  head: tf.LayersModel;
  featureSize: number;
}

export interface ConvlabModel {
  preset: PresetName;
  /** Image (inputSize × inputSize × 3, scaled per `inputScaling`) → class probabilities. */
  model: tf.LayersModel;
  inputSize: number;
  inputScaling: InputScaling;
  transfer: TransferParts | null;
  /** A frozen patch-whitening stem to initialise from the training images (initPatchWhitening), or null. */
  whiteningLayer: string | null;
}

export interface BuildModelOptions {
  /** Where the backbone weights are (a trusted override of config.weightsUrl; see resolveMobileNetV2Location). */
  weightsUrl?: string | null;
  /** What a run's own weightsUrl may point at (default defaultDataPolicy().weights). */
  weightsPolicy?: WeightsPolicy;
  /** Rebuild the backbone with batch norm folded and ReLU6 fused (default true; same outputs). */
  fuseBackbone?: boolean;
}

export { isTransferPreset } from '../contracts/run-config-schema.ts';

/**
 * adam: tf.train.adam's defaults (one fused SIMD pass per variable on wasm). sgd: Nesterov momentum 0.9.
 * The learning rate is a starting value: schedules set it before every step (setLearningRate).
 */
export function createOptimizer(kind: RunConfig['optimizer'], learningRate: number): tf.Optimizer {
  return kind === 'sgd'
    ? new NesterovOptimizer(learningRate, 0.9, true)
    : new FastAdamOptimizer(learningRate, 0.9, 0.999);
}

/** tfjs's MomentumOptimizer, whose dispose() forgets its −learningRate scalar (one tensor per run). */
class NesterovOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    (this as unknown as { c: tf.Tensor | null }).c?.dispose();
  }
}

/**
 * Sets an optimizer's learning rate for the next steps (Adam and momentum SGD). By class name: tfjs's
 * Optimizer overrides `instanceof` so that every optimizer is an instance of every optimizer class.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const kind = optimizer.getClassName();
  if (kind === 'Momentum' || kind === 'SGD') {
    (optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
  } else if (kind === 'Adam') {
    // AdamOptimizer reads its (protected) learningRate field on every applyGradients.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  } else {
    throw new Error(`setLearningRate: unsupported optimizer ${kind}`);
  }
}

/** The run's optimizer with categorical cross-entropy: what every preset trains with. */
export function compileForTraining(
  model: tf.LayersModel,
  optimizer: RunConfig['optimizer'],
  learningRate: number,
): void {
  model.compile({
    optimizer: createOptimizer(optimizer, learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

export async function buildModel(
  config: RunConfig,
  numClasses: number,
  options: BuildModelOptions = {},
): Promise<ConvlabModel> {
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new Error(`buildModel: numClasses must be an integer ≥ 2, got ${numClasses}`);
  const base = {
    preset: config.preset,
    inputSize: config.inputSize,
    inputScaling: config.inputScaling,
  };
  const cnnOptions = {
    inputSize: config.inputSize,
    numClasses,
    seed: config.seed,
    dropout: config.dropout,
    weightDecay: config.weightDecay,
  };
  switch (config.preset) {
    case 'seed-cnn':
    case 'tiny-cnn':
    case 'cnn-plus': {
      const build =
        config.preset === 'seed-cnn'
          ? buildSeedCnn
          : config.preset === 'tiny-cnn'
            ? buildTinyCnn
            : config.presetVersion === 1
              ? buildCnnPlusV1
              : buildCnnPlus;
      const model = build(cnnOptions);
      compileForTraining(model, config.optimizer, config.learningRate);
      const whitening = model.layers.some((layer) => layer.name === WHITENING_LAYER);
      return { ...base, model, transfer: null, whiteningLayer: whitening ? WHITENING_LAYER : null };
    }
    case 'seed-transfer':
    case 'transfer-plus': {
      const transfer = await buildTransfer(config, numClasses, options);
      compileForTraining(transfer.parts.head, config.optimizer, config.learningRate);
      return { ...base, model: transfer.model, transfer: transfer.parts, whiteningLayer: null };
    }
  }
}

async function buildTransfer(
  config: RunConfig,
  numClasses: number,
  options: BuildModelOptions,
): Promise<{ model: tf.LayersModel; parts: TransferParts }> {
  if (!config.backbone) throw new Error(`backbone: the ${config.preset} preset needs a backbone`);
  // A run's weightsUrl is user input: checked against the policy before anything is read or fetched.
  const url =
    options.weightsUrl ??
    (config.weightsUrl
      ? await checkWeightsUrl(
          config.weightsUrl,
          options.weightsPolicy ?? defaultDataPolicy().weights,
        ).catch((error: unknown) => {
          throw new PretrainedWeightsError(
            `weightsUrl: ${error instanceof Error ? error.message : String(error)}`,
          );
        })
      : null);
  const loaded = await loadMobileNetV2({
    backbone: config.backbone,
    url,
    inputSize: config.inputSize,
  });
  let backbone = loaded;
  if (options.fuseBackbone !== false) {
    backbone = fuseBackbone(loaded);
    loaded.dispose();
  }
  for (const layer of backbone.layers) layer.trainable = false;
  const backboneOutput = backbone.outputs[0];
  if (!backboneOutput) throw new Error('MobileNetV2 has no output');

  // seed-transfer keeps the lab's Flatten; transfer-plus pools, which also works at any input size.
  const pooling =
    config.preset === 'seed-transfer'
      ? tf.layers.flatten({ name: 'head_flatten' })
      : tf.layers.globalAveragePooling2d({ name: 'head_pool' });
  const pooled = pooling.apply(backboneOutput) as tf.SymbolicTensor;
  const featureSize = pooled.shape[1] ?? 0;

  const headLayers: tf.layers.Layer[] = [];
  if (config.preset === 'transfer-plus' && config.dropout > 0)
    headLayers.push(tf.layers.dropout({ name: 'head_dropout', rate: config.dropout }));
  headLayers.push(
    tf.layers.dense({
      name: 'predictions',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({
        seed: deriveSeed(config.seed, 'init:predictions'),
      }),
    }),
  );
  const applyHead = (x: tf.SymbolicTensor): tf.SymbolicTensor =>
    headLayers.reduce((y, layer) => layer.apply(y) as tf.SymbolicTensor, x);

  const featureInput = tf.input({ shape: [featureSize], name: 'features' });
  const head = tf.model({ inputs: featureInput, outputs: applyHead(featureInput), name: 'head' });
  const model = tf.model({
    inputs: backbone.inputs,
    outputs: applyHead(pooled),
    name: config.preset.replace('-', '_'),
  });
  const features = tf.model({ inputs: backbone.inputs, outputs: pooled, name: 'features' });
  const backboneLayers = backbone.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  return { model, parts: { features, backboneLayers, head, featureSize } };
}

/**
 * Phase 2 of transfer learning: unfreeze the last `layers` backbone layers and compile the model that
 * fine-tuning trains (the whole model, or the part above a cached trunk, which shares its layers) with a
 * fresh optimizer at `learningRate` (tfjs reads `trainable` only when compiling).
 */
export function prepareFineTuning(
  built: ConvlabModel,
  layers: number,
  optimizer: RunConfig['optimizer'],
  learningRate: number,
  trainModel: tf.LayersModel = built.model,
): void {
  if (!built.transfer) throw new Error('prepareFineTuning: not a transfer model');
  const { backboneLayers } = built.transfer;
  backboneLayers.forEach((layer, i) => {
    layer.trainable = i >= backboneLayers.length - layers;
  });
  compileForTraining(trainModel, optimizer, learningRate);
}

/** Parameters of a model (trainable and not), as Keras's model.summary() counts them. */
export function countParams(model: tf.LayersModel): number {
  return model.countParams();
}

/** Frees every tensor the model (and its parts) hold, optimizers included. */
export function disposeConvlabModel(built: ConvlabModel): void {
  const optimizers = new Set<tf.Optimizer>();
  for (const m of [built.model, built.transfer?.head]) {
    if (m?.optimizer) optimizers.add(m.optimizer);
  }
  // Transfer parts share layers, and LayersModel.dispose() refuses already-disposed layers: free each
  // weight variable exactly once instead.
  const models = [built.model, built.transfer?.head, built.transfer?.features];
  const weights = new Set(models.flatMap((m) => m?.weights ?? []));
  for (const weight of weights) weight.dispose();
  for (const optimizer of optimizers) optimizer.dispose();
}
