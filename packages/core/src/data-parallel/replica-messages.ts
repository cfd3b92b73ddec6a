/**
 * What the run's main thread and its replica threads say to each other. Weights travel as plain
 * Float32Arrays (structured clone); gradients never do: they go through the shared buffers.
 */
import type { RunConfig } from '../contracts/run-config-schema.ts';
import type { BuildModelOptions } from '../models/build.ts';
import type { PhasePlan } from '../training/phases.ts';
import type { ReplicaStepTiming } from './replica-step.ts';
import type { SharedGradientBuffers } from './shared-gradients.ts';

export interface TensorData {
  name: string;
  values: Float32Array;
  shape: number[];
}

/** The worker's workerData: enough to build the same model the main thread built. */
export interface ReplicaInit {
  rank: number;
  config: RunConfig;
  numClasses: number;
  model: BuildModelOptions;
  /** Whether the run fine-tunes on a cached trunk (then the phase trains the part above it). */
  trunkCache: boolean;
}

export type ToReplica =
  | {
      type: 'phase';
      plan: PhasePlan;
      buffers: SharedGradientBuffers;
      /** Every weight of the whole model, in model.weights order. */
      weights: TensorData[];
      /** The trained model's optimizer state; null when it has none yet (a fresh phase). */
      optimizer: { weights: TensorData[]; adamBetaPowers: [number, number] | null } | null;
    }
  | {
      type: 'step';
      xs: TensorData;
      ys: TensorData;
      rows: number;
      /** Set before the step when the schedule changes the rate. */
      learningRate: number | null;
    }
  /** Where its steps went so far (answered with a 'timing' message). */
  | { type: 'timing' }
  /** The main model's weights again (after early stopping restored an epoch's). */
  | { type: 'weights'; weights: TensorData[] }
  /** One batch through one of its models (predictionModels' names), answered with 'predicted'. */
  | { type: 'predict'; id: number; target: string; xs: TensorData };

export type FromReplica =
  | { type: 'ready' }
  | { type: 'phase-ready' }
  | { type: 'timing'; timing: ReplicaStepTiming }
  | { type: 'weights-ready' }
  | { type: 'predicted'; id: number; values: Float32Array }
  | { type: 'error'; message: string };
