/**
 * A run's checkpoint (`runDir/checkpoint/`), written at the end of every epoch so a run interrupted by a
 * crash or a shutdown resumes at the next epoch: the model (a loadable tfjs model), the optimizer's
 * state, the early-stopping snapshot of the best weights, and the loop's own state. Written into a
 * temporary folder that then replaces the old checkpoint, so a crash mid-write keeps the previous one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { epochMetricsSchema, epochPhaseSchema } from '../contracts/epoch-metrics.ts';
import { runTimingSchema } from '../contracts/run-timing.ts';
import { fileSaveHandler, writeDirAtomically } from '../models/file-io.ts';
import { RUN_FOLDER } from '../run-folder.ts';

/** A tensor with its name (tfjs-core's NamedTensor, which @tensorflow/tfjs does not re-export). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export const CHECKPOINT_DIR = RUN_FOLDER.checkpoint;
const STATE_FILE = 'state.json';
const OPTIMIZER_FILE = 'optimizer.bin';
const BEST_FILE = 'best-weights.bin';

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
});

export const checkpointStateSchema = z.object({
  version: z.literal(1),
  /** Last completed epoch (1-based, across phases). */
  epoch: z.number().int().min(1),
  history: z.array(epochMetricsSchema),
  /** Phases whose epochs are all done (or that early stopping ended). */
  completedPhases: z.array(epochPhaseSchema),
  /** Early stopping within the current phase. */
  best: z.object({
    epoch: z.number().int(),
    valAcc: z.number(),
    epochsSinceBest: z.number().int(),
  }),
  trainSeconds: z.number().min(0),
  /** Where the run's time went so far (absent in checkpoints from before it was kept). */
  timing: runTimingSchema.optional(),
  optimizerSpecs: z.array(weightSpecSchema),
  /** Adam's running β₁ᵗ, β₂ᵗ (see restoreOptimizer). */
  adamBetaPowers: z.tuple([z.number(), z.number()]).nullable().default(null),
  bestSpecs: z.array(weightSpecSchema).nullable(),
});
export type CheckpointState = z.infer<typeof checkpointStateSchema>;

export interface CheckpointContents {
  state: Omit<CheckpointState, 'optimizerSpecs' | 'bestSpecs' | 'adamBetaPowers'>;
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** Snapshot of the best epoch's weights (by weight name), or null. */
  bestWeights: tf.NamedTensorMap | null;
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  /** The model's weights by name; the caller disposes them. */
  modelWeights: tf.NamedTensorMap;
  /** The optimizer's weights in its order; the caller disposes them. */
  optimizerWeights: NamedTensor[];
  bestWeights: tf.NamedTensorMap | null;
}

export function checkpointDir(runDir: string): string {
  return path.join(runDir, CHECKPOINT_DIR);
}

async function encodeNamed(tensors: NamedTensor[]) {
  return tf.io.encodeWeights(tensors);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function saveCheckpoint(runDir: string, contents: CheckpointContents): Promise<void> {
  const optimizerWeights = await contents.optimizer.getWeights();
  const optimizer = await encodeNamed(optimizerWeights);
  // getWeights() hands out the optimizer's own variables plus a fresh iteration-count scalar.
  for (const { tensor } of optimizerWeights) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  const best = contents.bestWeights
    ? await encodeNamed(
        Object.entries(contents.bestWeights).map(([name, tensor]) => ({ name, tensor })),
      )
    : null;
  const state: CheckpointState = {
    ...contents.state,
    optimizerSpecs: optimizer.specs,
    bestSpecs: best?.specs ?? null,
    adamBetaPowers: await readAdamBetaPowers(contents.optimizer),
  };
  await writeDirAtomically(checkpointDir(runDir), async (tmp) => {
    await contents.model.save(fileSaveHandler(path.join(tmp, RUN_FOLDER.model)));
    await writeFile(path.join(tmp, OPTIMIZER_FILE), new Uint8Array(optimizer.data));
    if (best) await writeFile(path.join(tmp, BEST_FILE), new Uint8Array(best.data));
    // state.json last: its presence marks a complete checkpoint.
    await writeFile(path.join(tmp, STATE_FILE), JSON.stringify(state));
  });
}

/**
 * Adam keeps β₁ᵗ and β₂ᵗ as running products; its setWeights recomputes them with pow(), which differs
 * in the last float bits. Saving and restoring the products keeps a resumed run bit-identical.
 */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamInternals(optimizer: tf.Optimizer): AdamInternals | null {
  // By class name: tfjs optimizers answer instanceof for every optimizer class.
  if (optimizer.getClassName() !== 'Adam') return null;
  const internals = optimizer as unknown as Partial<AdamInternals>;
  return internals.accBeta1 instanceof tf.Variable && internals.accBeta2 instanceof tf.Variable
    ? (internals as AdamInternals)
    : null;
}

/** Adam's β₁ᵗ and β₂ᵗ (null for other optimizers): what a checkpoint or a new replica carries. */
export async function readAdamBetaPowers(
  optimizer: tf.Optimizer,
): Promise<[number, number] | null> {
  const adam = adamInternals(optimizer);
  if (!adam) return null;
  const [beta1, beta2] = await Promise.all([adam.accBeta1.data(), adam.accBeta2.data()]);
  return [beta1[0] ?? 0, beta2[0] ?? 0];
}

/** Loads a checkpoint's optimizer state into a freshly compiled optimizer of the same kind. */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  weights: NamedTensor[],
  adamBetaPowers: [number, number] | null,
): Promise<void> {
  await optimizer.setWeights(weights);
  const adam = adamInternals(optimizer);
  if (adam && adamBetaPowers) {
    tf.tidy(() => {
      adam.accBeta1.assign(tf.scalar(adamBetaPowers[0]));
      adam.accBeta2.assign(tf.scalar(adamBetaPowers[1]));
    });
  }
}

async function readState(runDir: string): Promise<CheckpointState | null> {
  let text: string;
  try {
    text = await readFile(path.join(checkpointDir(runDir), STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = checkpointStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`invalid checkpoint in ${checkpointDir(runDir)}: ${parsed.error.message}`);
  return parsed.data;
}

/** The last completed epoch of the run's checkpoint, or null when there is none. */
export async function readCheckpointEpoch(runDir: string): Promise<number | null> {
  return (await readState(runDir))?.epoch ?? null;
}

async function decodeFile(
  file: string,
  specs: tf.io.WeightsManifestEntry[],
): Promise<tf.NamedTensorMap> {
  return tf.io.decodeWeights(toArrayBuffer(await readFile(file)), specs);
}

export async function loadCheckpoint(runDir: string): Promise<LoadedCheckpoint | null> {
  const state = await readState(runDir);
  if (!state) return null;
  const dir = checkpointDir(runDir);
  const manifest = JSON.parse(
    await readFile(path.join(dir, RUN_FOLDER.model, RUN_FOLDER.modelJson), 'utf8'),
  ) as {
    weightsManifest: tf.io.WeightsManifestConfig;
  };
  const modelSpecs = manifest.weightsManifest.flatMap((group) => group.weights);
  const modelWeights = await decodeFile(
    path.join(dir, RUN_FOLDER.model, 'weights.bin'),
    modelSpecs,
  );
  const optimizerMap = await decodeFile(path.join(dir, OPTIMIZER_FILE), state.optimizerSpecs);
  const optimizerWeights = state.optimizerSpecs.map(({ name }) => {
    const tensor = optimizerMap[name];
    if (!tensor) throw new Error(`checkpoint optimizer weight ${name} is missing`);
    return { name, tensor };
  });
  const bestWeights = state.bestSpecs
    ? await decodeFile(path.join(dir, BEST_FILE), state.bestSpecs)
    : null;
  return { state, modelWeights, optimizerWeights, bestWeights };
}
