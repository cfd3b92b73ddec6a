/**
 * Saving and loading tfjs LayersModels on the local disk without tfjs-node: a small IOHandler that reads
 * and writes `model.json` plus one `weights.bin`, and a loader for directories, file:// and https:// URLs.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { writeDirAtomically } from '../atomic-dir.ts';

export { writeDirAtomically } from '../atomic-dir.ts';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

interface ModelJson {
  modelTopology: tf.io.ModelJSON['modelTopology'];
  weightsManifest: tf.io.WeightsManifestConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** A directory path, a file:// URL of the directory or of its model.json → the model.json path. */
export function modelJsonPath(location: string): string {
  const local = location.startsWith('file://') ? fileURLToPath(location) : location;
  return local.endsWith('.json') ? path.resolve(local) : path.resolve(local, MODEL_JSON);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Model artifacts from a model.json's text and a reader for the weight files it names. */
async function artifactsFromModelJson(
  json: ModelJson,
  readWeightFile: (file: string) => Promise<Uint8Array>,
  patchTopology?: (topology: Record<string, unknown>) => void,
): Promise<tf.io.ModelArtifacts> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const file of group.paths) parts.push(await readWeightFile(file));
  }
  const topology = structuredClone(json.modelTopology) as Record<string, unknown>;
  patchTopology?.(topology);
  return {
    modelTopology: topology,
    weightSpecs: specs,
    weightData: toArrayBuffer(Buffer.concat(parts)),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  };
}

/**
 * Reads a LayersModel from disk. `patchTopology` may edit the topology before the model is built (e.g.
 * set the InputLayer's batch_input_shape).
 */
export function fileLoadHandler(
  location: string,
  patchTopology?: (topology: Record<string, unknown>) => void,
): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = modelJsonPath(location);
      let json: ModelJson;
      try {
        json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
      } catch (error) {
        throw new Error(
          `cannot read model ${jsonPath}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const dir = path.dirname(jsonPath);
      return artifactsFromModelJson(json, (file) => readFile(path.join(dir, file)), patchTopology);
    },
  };
}

/**
 * A LayersModel from its files held in memory (e.g. read from the database's artifact store): paths
 * relative to the model folder, `model.json` among them.
 */
export async function loadLayersModelFromFiles(
  files: readonly { path: string; bytes: Uint8Array }[],
): Promise<tf.LayersModel> {
  const byPath = new Map(files.map((file) => [file.path, file.bytes]));
  const jsonBytes = byPath.get(MODEL_JSON);
  if (!jsonBytes) throw new Error(`the model has no ${MODEL_JSON}`);
  let json: ModelJson;
  try {
    json = JSON.parse(Buffer.from(jsonBytes).toString('utf8')) as ModelJson;
  } catch {
    throw new Error(`the model's ${MODEL_JSON} is not valid JSON`);
  }
  const artifacts = await artifactsFromModelJson(json, (file) => {
    const bytes = byPath.get(file);
    return bytes
      ? Promise.resolve(bytes)
      : Promise.reject(new Error(`the model's weight file ${file} is missing`));
  });
  return loadFreeingOnFailure(() => tf.loadLayersModel(tf.io.fromMemory(artifacts)));
}

/**
 * Runs a model load and, when it fails (a topology whose weights do not fit, a 100,000-unit layer
 * with a tiny weights file), disposes every variable and tensor it made: tfjs builds the model's
 * variables before it finds out, and would leave them behind on every failed try. The load must not be
 * interleaved with other TensorFlow.js work (its tensors would count as the load's).
 */
async function loadFreeingOnFailure(load: () => Promise<tf.LayersModel>): Promise<tf.LayersModel> {
  const engine = tf.engine();
  const variablesBefore = new Set(Object.keys(engine.state.registeredVariables));
  engine.startScope();
  try {
    const model = await load();
    engine.endScope();
    return model;
  } catch (error) {
    engine.endScope();
    for (const [name, variable] of Object.entries(engine.state.registeredVariables))
      if (!variablesBefore.has(name)) variable.dispose();
    throw error;
  }
}

/** Writes a model as `dir/model.json` + `dir/weights.bin` (dir is created). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      if (artifacts.modelTopology instanceof ArrayBuffer)
        throw new Error('fileSaveHandler: binary topologies are not supported');
      const weightData = artifacts.weightData;
      const bytes =
        weightData === undefined
          ? new Uint8Array(0)
          : new Uint8Array(
              Array.isArray(weightData) ? tf.io.concatenateArrayBuffers(weightData) : weightData,
            );
      const json: ModelJson = {
        modelTopology: artifacts.modelTopology as ModelJson['modelTopology'],
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
      };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(json));
      await writeFile(path.join(dir, WEIGHTS_BIN), bytes);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bytes.byteLength,
        },
      };
    },
  };
}

/** Save a model into `dir` atomically: a crash never leaves half a model behind. */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<void> {
  await writeDirAtomically(dir, async (tmp) => {
    await model.save(fileSaveHandler(tmp));
  });
}

/** Load a LayersModel from a directory, file:// or http(s):// URL. */
export async function loadLayersModelFrom(
  location: string,
  patchTopology?: (topology: Record<string, unknown>) => void,
): Promise<tf.LayersModel> {
  if (/^https?:\/\//.test(location)) {
    const handler = tf.io.http(location, {
      fetchFunc: fetch,
    });
    if (!patchTopology) return tf.loadLayersModel(handler);
    const artifacts = await handler.load?.();
    if (!artifacts) throw new Error(`cannot load model from ${location}`);
    patchTopology(artifacts.modelTopology as Record<string, unknown>);
    return tf.loadLayersModel(tf.io.fromMemory(artifacts));
  }
  return tf.loadLayersModel(fileLoadHandler(location, patchTopology));
}
