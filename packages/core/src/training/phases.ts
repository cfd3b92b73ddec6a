/**
 * A run's training phases, from its config alone: CNN presets train in one 'train' phase; transfer
 * presets in a 'frozen' phase (head only) and, with fineTuneEpochs and fineTuneLayers, a 'fine-tune'
 * phase at learningRate × fineTuneLearningRateFactor. The trainer, the bench and trainRun share this.
 */
import type { EpochPhase } from '../contracts/epoch-metrics.ts';
import { isTransferPreset, type RunConfig } from '../contracts/run-config-schema.ts';

export type { EpochPhase } from '../contracts/epoch-metrics.ts';

export interface PhasePlan {
  phase: EpochPhase;
  epochs: number;
  learningRate: number;
}

export function planPhases(config: RunConfig): PhasePlan[] {
  if (!isTransferPreset(config.preset))
    return [{ phase: 'train', epochs: config.epochs, learningRate: config.learningRate }];
  const phases: PhasePlan[] = [
    { phase: 'frozen', epochs: config.epochs, learningRate: config.learningRate },
  ];
  if (config.fineTuneEpochs > 0 && config.fineTuneLayers > 0) {
    phases.push({
      phase: 'fine-tune',
      epochs: config.fineTuneEpochs,
      learningRate: config.learningRate * config.fineTuneLearningRateFactor,
    });
  }
  return phases;
}

/** Epochs the run trains when no phase stops early. */
export function totalEpochs(config: RunConfig): number {
  return planPhases(config).reduce((sum, phase) => sum + phase.epochs, 0);
}

/** Epochs a run trains: all its phases, or up to `epochLimit` (a sweep trial's rung). */
export function plannedRunEpochs(config: RunConfig, epochLimit: number | null): number {
  return Math.min(totalEpochs(config), epochLimit ?? Infinity);
}

/** The fine-tune phase of a transfer run, or null when it does not fine-tune. */
export function fineTunePlan(config: RunConfig): PhasePlan | null {
  return planPhases(config).find((plan) => plan.phase === 'fine-tune') ?? null;
}

/**
 * Epochs the run will have trained when it ends, as it stands: those done, plus what is left of every
 * phase not yet completed (a phase early stopping ended counts only its epochs done).
 */
export function plannedEpochs(
  phases: PhasePlan[],
  history: { phase: EpochPhase }[],
  completedPhases: EpochPhase[],
): number {
  return (
    history.length +
    remainingPhaseEpochs(phases, history, completedPhases).reduce((sum, p) => sum + p.epochs, 0)
  );
}

/**
 * The epochs each unfinished phase has left, in order (the first is the phase running or next to
 * run, its epoch in progress included).
 */
export function remainingPhaseEpochs(
  phases: PhasePlan[],
  history: { phase: EpochPhase }[],
  completedPhases: EpochPhase[],
): { phase: EpochPhase; epochs: number }[] {
  return phases
    .filter((p) => !completedPhases.includes(p.phase))
    .map((p) => ({
      phase: p.phase,
      epochs: p.epochs - history.filter((e) => e.phase === p.phase).length,
    }))
    .filter((p) => p.epochs > 0);
}
