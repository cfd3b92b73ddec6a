/**
 * How long a run will take here, from how fast earlier runs of its preset trained: each epoch phase
 * has its own speed (frozen epochs on cached features are many times faster than fine-tuning), so an
 * estimate covers every phase the run will train, and says which phases no earlier run has timed.
 */
import type { EpochPhase } from '../contracts/epoch-metrics.ts';
import type { RunTiming } from '../contracts/run-timing.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';
import { percentiles } from '../evaluation/input-reference.ts';
import { planPhases } from './phases.ts';

/** Seconds per training image of each epoch phase, its share of validation included. */
export type PhaseRates = Partial<Record<EpochPhase, number>>;

function median(values: number[]): number | undefined {
  return values.length === 0 ? undefined : percentiles(values).p50;
}

/** The median rate per phase over earlier runs' timings (a run that was slow once does not skew it). */
export function phaseRatesFrom(timings: RunTiming[]): PhaseRates {
  const samples = new Map<EpochPhase, number[]>();
  for (const timing of timings) {
    const { training, validation } = timing.seconds;
    // Validation runs once per epoch whatever the phase: spread it over the training time.
    const overhead = training > 0 ? 1 + validation / training : 1;
    for (const phase of timing.phases) {
      if (phase.images <= 0 || phase.seconds <= 0) continue;
      const rate = (phase.seconds / phase.images) * overhead;
      samples.set(phase.phase, [...(samples.get(phase.phase) ?? []), rate]);
    }
  }
  const rates: PhaseRates = {};
  for (const [phase, values] of samples) rates[phase] = median(values);
  return rates;
}

/**
 * Seconds per training image of everything but the epochs (loading, caching, the test set), the
 * median over earlier runs' timings; 0 when there are none.
 */
export function setupSecondsPerImage(timings: RunTiming[]): number {
  const samples = timings.flatMap((timing) => {
    const first = timing.phases[0];
    if (!first || first.epochs === 0) return [];
    const { loading, caching, evaluation } = timing.seconds;
    return [(loading + caching + evaluation) / (first.images / first.epochs)];
  });
  return median(samples) ?? 0;
}

/** Seconds the test evaluation at the end took in earlier runs (median; 0 when none). */
export function evaluationSecondsFrom(timings: RunTiming[]): number {
  return median(timings.map((timing) => timing.seconds.evaluation)) ?? 0;
}

export interface RunEstimate {
  /** Seconds for the phases whose speed is known. */
  seconds: number;
  /** Phases no earlier run timed: the estimate leaves them out. */
  untimed: EpochPhase[];
}

/** The training time of `epochs` of each phase still to come, at the given rates. */
export function estimatePhasesSeconds(
  remaining: { phase: EpochPhase; epochs: number }[],
  trainImages: number,
  rates: PhaseRates,
): RunEstimate {
  let seconds = 0;
  const untimed: EpochPhase[] = [];
  for (const { phase, epochs } of remaining) {
    if (epochs <= 0) continue;
    const rate = rates[phase];
    if (rate === undefined) untimed.push(phase);
    else seconds += rate * trainImages * epochs;
  }
  return { seconds, untimed };
}

/** A whole run of `config` on `trainImages` training images, setup (setupSecondsPerImage) included. */
export function estimateRunSeconds(
  config: RunConfig,
  trainImages: number,
  rates: PhaseRates,
  setupPerImage = 0,
): RunEstimate {
  const epochs = estimatePhasesSeconds(planPhases(config), trainImages, rates);
  return { ...epochs, seconds: epochs.seconds + setupPerImage * trainImages };
}
