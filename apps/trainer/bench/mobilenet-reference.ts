/**
 * MobileNetV2-1.0 (shared assets; batch norm already folded into the convolutions) loaded from disk, and a
 * fused runner that executes the same graph with `tf.fused.conv2d` / `tf.fused.depthwiseConv2d` and the
 * ReLU6 inside the convolution kernel (tf.layers' 'relu6' activation runs a separate, slow Minimum op).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

interface LayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name: string };
  inbound_nodes: [string, number, number, unknown][][];
}

interface ModelJson {
  modelTopology: { config: { layers: LayerJson[] } };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export function mobileNetDir(assetsDir: string): string {
  return path.join(assetsDir, 'mobilenet_v2', 'alpha-1.0-no-top');
}

export async function loadMobileNet(
  dir: string,
  inputSize: number,
): Promise<{ model: tf.LayersModel; topology: LayerJson[] }> {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const layers = json.modelTopology.config.layers;
  const input = layers[0];
  if (!input || input.class_name !== 'InputLayer')
    throw new Error('MobileNetV2 model.json: first layer is not the input');
  input.config.batch_input_shape = [null, inputSize, inputSize, 3];
  const group = json.weightsManifest[0];
  if (!group || json.weightsManifest.length !== 1)
    throw new Error('MobileNetV2 model.json: expected one weights file');
  const bytes = readFileSync(path.join(dir, group.paths[0] ?? 'weights.bin'));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const handler: tf.io.IOHandler = {
    load: () =>
      Promise.resolve({
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData,
      }),
  };
  return { model: await tf.loadLayersModel(handler), topology: layers };
}

type FusedActivation = 'linear' | 'relu' | 'relu6';

function fusedActivation(name: unknown): FusedActivation {
  if (name === undefined || name === null || name === 'linear') return 'linear';
  if (name === 'relu' || name === 'relu6') return name;
  throw new Error(`fused MobileNetV2 runner: unsupported activation ${JSON.stringify(name)}`);
}

/** Runs the graph layer by layer with fused kernels; returns the feature map. Call inside tf.tidy. */
export function runFused(
  model: tf.LayersModel,
  topology: LayerJson[],
  x: tf.Tensor4D,
): tf.Tensor4D {
  const outputs = new Map<string, tf.Tensor4D>();
  let last = x;
  for (const layerJson of topology) {
    const name = layerJson.config.name;
    const inbound = (layerJson.inbound_nodes[0] ?? []).map(([from]) => {
      const t = outputs.get(from);
      if (!t) throw new Error(`fused MobileNetV2 runner: ${name} needs ${from} first`);
      return t;
    });
    const c = layerJson.config;
    let out: tf.Tensor4D;
    switch (layerJson.class_name) {
      case 'InputLayer':
        out = x;
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [kernel, bias] = model.getLayer(name).getWeights();
        const common = {
          x: inbound[0]!,
          strides: c.strides as [number, number],
          pad: c.padding as 'same' | 'valid',
          dilations: c.dilation_rate as [number, number],
          bias: bias as tf.Tensor1D | undefined,
          activation: fusedActivation(c.activation),
        };
        out =
          layerJson.class_name === 'Conv2D'
            ? tf.fused.conv2d({ ...common, filter: kernel as tf.Tensor4D })
            : tf.fused.depthwiseConv2d({ ...common, filter: kernel as tf.Tensor4D });
        break;
      }
      case 'Add':
        out = tf.addN(inbound);
        break;
      default:
        throw new Error(`fused MobileNetV2 runner: unsupported layer ${layerJson.class_name}`);
    }
    outputs.set(name, out);
    last = out;
  }
  return last;
}
