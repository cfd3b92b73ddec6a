/**
 * Which model a phase trains and which one early stopping snapshots, and getting it ready: the run's
 * main thread and every data-parallel replica go through this one function, so they train the same
 * model with the same optimizer.
 */
import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { prepareFineTuning, type ConvlabModel } from '../models/build.ts';
import type { TrunkPlan } from './fill-caches.ts';
import type { PhasePlan } from './phases.ts';

export interface PhaseModels {
  /** What the phase trains (compiled, with its optimizer). */
  trainModel: tf.LayersModel;
  /** Whose weights early stopping snapshots and restores. */
  weightsModel: tf.LayersModel;
}

/** The phase's models; the fine-tune phase unfreezes its layers and compiles a fresh optimizer. */
export function beginPhaseModels(
  built: ConvlabModel,
  plan: PhasePlan,
  trunk: TrunkPlan | null,
  config: RunConfig,
): PhaseModels {
  const frozen = plan.phase === 'frozen';
  const trainModel = frozen
    ? built.transfer?.head
    : plan.phase === 'fine-tune' && trunk
      ? trunk.predictions
      : built.model;
  const weightsModel = frozen ? built.transfer?.head : built.model;
  if (!trainModel || !weightsModel) throw new Error('no model to train');
  if (plan.phase === 'fine-tune')
    prepareFineTuning(
      built,
      config.fineTuneLayers,
      config.optimizer,
      plan.learningRate,
      trainModel,
    );
  return { trainModel, weightsModel };
}

/**
 * The models a run predicts with, by name, so that a replica thread can be asked to run "the same"
 * model: the whole model, the transfer parts and the cached trunk's.
 */
export function predictionModels(
  built: ConvlabModel,
  trunk: TrunkPlan | null,
): Map<string, tf.LayersModel> {
  const entries: [string, tf.LayersModel | undefined][] = [
    ['model', built.model],
    ['features', built.transfer?.features],
    ['head', built.transfer?.head],
    ['trunk', trunk?.split.trunk],
    ['trunk-features', trunk?.features],
    ['trunk-predictions', trunk?.predictions],
  ];
  return new Map(entries.filter((entry): entry is [string, tf.LayersModel] => !!entry[1]));
}
