/**
 * The training loop's early-stopping hook: tracks the best validation accuracy within a phase (as a
 * Keras callback is per fit()), snapshots that epoch's weights, stops the phase after `patience`
 * epochs without improvement, and loads the best weights back when the phase ends.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../contracts/epoch-metrics.ts';

export interface EarlyStoppingState {
  epoch: number;
  valAcc: number;
  epochsSinceBest: number;
}

/** The state at the start of a phase (accuracies are ≥ 0, so any epoch beats it). */
const NO_BEST: EarlyStoppingState = { epoch: 0, valAcc: -1, epochsSinceBest: 0 };

function snapshotWeights(model: tf.LayersModel): tf.NamedTensorMap {
  const snapshot: tf.NamedTensorMap = {};
  for (const weight of model.weights) snapshot[weight.originalName] = weight.read().clone();
  return snapshot;
}

export class EarlyStopping {
  state: EarlyStoppingState = { ...NO_BEST };
  /** The best epoch's weights by name (patience > 0 only); owned here until the phase ends. */
  bestWeights: tf.NamedTensorMap | null = null;

  /** `patience` 0: never stop early, keep the last epoch's weights. */
  constructor(private readonly patience: number) {}

  /** Continues from a checkpoint's state (taking ownership of its snapshot). */
  restore(state: EarlyStoppingState, bestWeights: tf.NamedTensorMap | null): void {
    this.dispose();
    this.state = state;
    this.bestWeights = bestWeights;
  }

  /** After an epoch: true when the phase should stop. */
  onEpochEnd(metrics: EpochMetrics, weightsModel: tf.LayersModel): boolean {
    if (metrics.valAcc > this.state.valAcc) {
      this.state = { epoch: metrics.epoch, valAcc: metrics.valAcc, epochsSinceBest: 0 };
      if (this.patience > 0) {
        this.dispose();
        this.bestWeights = snapshotWeights(weightsModel);
      }
    } else {
      this.state = { ...this.state, epochsSinceBest: this.state.epochsSinceBest + 1 };
    }
    return this.patience > 0 && this.state.epochsSinceBest >= this.patience;
  }

  /** As a phase ends: loads the best epoch's weights back (returns that epoch, else null), then resets. */
  onPhaseEnd(weightsModel: tf.LayersModel): number | null {
    let restored: number | null = null;
    if (this.bestWeights) {
      weightsModel.loadWeights(this.bestWeights);
      restored = this.state.epoch;
      this.dispose();
    }
    this.state = { ...NO_BEST };
    return restored;
  }

  dispose(): void {
    tf.dispose(Object.values(this.bestWeights ?? {}));
    this.bestWeights = null;
  }
}
