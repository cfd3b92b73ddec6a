/**
 * Learning-rate schedules, as pure functions of the step within a training phase, so a resumed run
 * continues on exactly the rate it would have had.
 */
import type { RunConfig } from '../contracts/run-config-schema.ts';

/** The share of a one-cycle phase spent warming up (then the rate decays linearly to 0). */
export const ONE_CYCLE_WARMUP = 0.25;

/**
 * The rate for 0-based `step` of `totalSteps`: constant `peak`, or one-cycle (linear 0 → peak over the
 * first 25% of the steps, then linear peak → 0, reached after the last step).
 */
export function learningRateAt(
  schedule: RunConfig['lrSchedule'],
  peak: number,
  step: number,
  totalSteps: number,
): number {
  if (!(peak > 0)) throw new Error(`learningRateAt: peak must be > 0, got ${peak}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1)
    throw new Error(`learningRateAt: totalSteps must be a positive integer, got ${totalSteps}`);
  if (!Number.isInteger(step) || step < 0 || step >= totalSteps)
    throw new Error(`learningRateAt: step ${step} is outside 0…${totalSteps - 1}`);
  if (schedule === 'constant') return peak;
  // Rates are taken at the middle of each step, so neither the first nor the last step gets exactly 0.
  const progress = (step + 0.5) / totalSteps;
  return progress < ONE_CYCLE_WARMUP
    ? (peak * progress) / ONE_CYCLE_WARMUP
    : (peak * (1 - progress)) / (1 - ONE_CYCLE_WARMUP);
}
