/**
 * Splits a functional model in two where exactly one tensor crosses: the trunk (input → that tensor) and
 * the top (that tensor → each requested output), sharing the original layers and weights. Fine-tuning
 * uses it to run the frozen trunk once per image and train only the top on its cached output.
 */
import * as tf from '@tensorflow/tfjs';

export interface ModelSplit {
  /** Image → the crossing tensor. */
  trunk: tf.LayersModel;
  /** One model per requested output layer: crossing tensor → that layer's output. */
  tops: tf.LayersModel[];
  /** Shape of one example of the crossing tensor. */
  cutShape: number[];
  /** Index in model.layers of the first layer above the cut. */
  firstTopLayer: number;
}

/** The input tensors of the node through which `tensor` was produced. */
function producerInputs(tensor: tf.SymbolicTensor): tf.SymbolicTensor[] {
  return tensor.sourceLayer.inboundNodes[tensor.nodeIndex]?.inputTensors ?? [];
}

interface LayerUse {
  inputs: tf.SymbolicTensor[];
  output: tf.SymbolicTensor;
}

/**
 * Each layer's inputs and output as this model uses it. A shared layer (the head, built as a model of its
 * own first) has several inbound nodes; walking back from the model's outputs picks the model's own.
 */
function layerUses(model: tf.LayersModel): Map<string, LayerUse> {
  const uses = new Map<string, LayerUse>();
  const pending = [...model.outputs];
  while (pending.length > 0) {
    const output = pending.pop()!;
    const name = output.sourceLayer.name;
    if (uses.has(name)) continue;
    const inputs = producerInputs(output);
    uses.set(name, { inputs, output });
    pending.push(...inputs);
  }
  return uses;
}

/**
 * The split whose top starts at or below `model.layers[atLeast]`: the highest cut at most there that a
 * single tensor crosses (a residual connection may move it down a few layers). `outputLayers` name the
 * layers whose outputs the tops produce (they must lie above the cut). Null when no such cut exists.
 */
export function splitModel(
  model: tf.LayersModel,
  atLeast: number,
  outputLayers: string[],
): ModelSplit | null {
  const layers = model.layers;
  const index = new Map(layers.map((layer, i) => [layer.name, i]));
  const uses = layerUses(model);
  for (let cut = Math.min(atLeast, layers.length - 1); cut >= 1; cut--) {
    const crossing = new Map<string, tf.SymbolicTensor>();
    for (const layer of layers.slice(cut)) {
      for (const tensor of uses.get(layer.name)?.inputs ?? []) {
        if ((index.get(tensor.sourceLayer.name) ?? -1) < cut) crossing.set(tensor.name, tensor);
      }
    }
    if (crossing.size !== 1) continue;
    if (outputLayers.some((name) => (index.get(name) ?? -1) < cut)) return null;
    const [crossingTensor] = [...crossing.values()] as [tf.SymbolicTensor];
    return buildSplit(model, uses, crossingTensor, cut, outputLayers);
  }
  return null;
}

function buildSplit(
  model: tf.LayersModel,
  uses: Map<string, LayerUse>,
  crossingOutput: tf.SymbolicTensor,
  cut: number,
  outputLayers: string[],
): ModelSplit {
  const cutShape = crossingOutput.shape.slice(1) as number[];
  const trunk = tf.model({ inputs: model.inputs, outputs: crossingOutput, name: 'trunk' });
  const input = tf.input({ shape: cutShape, name: 'trunk_output' });
  // Symbolic tensors of the top, by the name of the original tensor they stand for.
  const outputs = new Map<string, tf.SymbolicTensor>([[crossingOutput.name, input]]);
  const outputOf = new Map<string, tf.SymbolicTensor>();
  // Re-apply every layer above the cut to the new input (a layer may be applied again: same weights).
  for (const layer of model.layers.slice(cut)) {
    const use = uses.get(layer.name);
    if (!use) throw new Error(`splitModel: ${layer.name} is not on the path to the outputs`);
    const layerIn = use.inputs.map((tensor) => {
      const mapped = outputs.get(tensor.name);
      if (!mapped) throw new Error(`splitModel: ${tensor.name} is not above the cut`);
      return mapped;
    });
    const y = layer.apply(layerIn.length === 1 ? layerIn[0]! : layerIn) as tf.SymbolicTensor;
    outputs.set(use.output.name, y);
    outputOf.set(layer.name, y);
  }
  const tops = outputLayers.map((name) => {
    const output = outputOf.get(name);
    if (!output) throw new Error(`splitModel: no layer ${name} above the cut`);
    return tf.model({ inputs: input, outputs: output, name: `top_${name}` });
  });
  return { trunk, tops, cutShape, firstTopLayer: cut };
}
