/**
 * The training loop's checkpoint hook: resumes a run from its folder's checkpoint and writes one as
 * every epoch ends (see checkpoint.ts for what a checkpoint holds).
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochPhase } from '../contracts/epoch-metrics.ts';
import {
  loadCheckpoint,
  restoreOptimizer,
  saveCheckpoint,
  type CheckpointContents,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint-files.ts';

export class Checkpointer {
  /** A loaded checkpoint whose optimizer state waits for its phase to begin. */
  private pending: LoadedCheckpoint | null = null;

  constructor(private readonly runDir: string) {}

  /**
   * Loads the run's checkpoint, if any: the model's weights go into `model` at once; the returned
   * state and best-weights snapshot are the caller's. Null when there is no checkpoint.
   */
  async resume(
    model: tf.LayersModel,
  ): Promise<{ state: CheckpointState; bestWeights: tf.NamedTensorMap | null } | null> {
    const loaded = await loadCheckpoint(this.runDir);
    if (!loaded) return null;
    model.loadWeights(loaded.modelWeights);
    tf.dispose(Object.values(loaded.modelWeights));
    this.pending = loaded;
    return { state: loaded.state, bestWeights: loaded.bestWeights };
  }

  /**
   * As the first phase after a resume begins: the checkpoint's optimizer state belongs to that phase
   * only if the phase had already begun (then its epochs are in the checkpoint's history).
   */
  async onPhaseBegin(phase: EpochPhase, optimizer: tf.Optimizer): Promise<void> {
    const loaded = this.pending;
    if (!loaded) return;
    this.pending = null;
    try {
      if (loaded.state.history.some((e) => e.phase === phase))
        await restoreOptimizer(optimizer, loaded.optimizerWeights, loaded.state.adamBetaPowers);
    } finally {
      tf.dispose(loaded.optimizerWeights.map((w) => w.tensor));
    }
  }

  async onEpochEnd(contents: CheckpointContents): Promise<void> {
    await saveCheckpoint(this.runDir, contents);
  }

  dispose(): void {
    if (this.pending) tf.dispose(this.pending.optimizerWeights.map((w) => w.tensor));
    this.pending = null;
  }
}
