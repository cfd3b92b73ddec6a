/**
 * Adds up where a run's time goes (loading, caching, training, validation, evaluation) and the
 * training images per epoch phase, starting from what earlier attempts measured (the checkpoint's).
 */
import type { EpochPhase } from '../contracts/epoch-metrics.ts';
import {
  imagesPerSecond,
  TIMED_PARTS,
  type PhaseThroughput,
  type RunTiming,
  type TimedPart,
} from '../contracts/run-timing.ts';

export class RunClock {
  private readonly seconds: Record<TimedPart, number>;
  private readonly phases: PhaseThroughput[];

  constructor(previous?: RunTiming) {
    this.seconds = Object.fromEntries(
      TIMED_PARTS.map((part) => [part, previous?.seconds[part] ?? 0]),
    ) as Record<TimedPart, number>;
    this.phases = previous?.phases.map((p) => ({ ...p })) ?? [];
  }

  add(part: TimedPart, seconds: number): void {
    if (!(seconds >= 0)) throw new Error(`seconds must be ≥ 0, got ${seconds}`);
    this.seconds[part] += seconds;
  }

  /** Runs `action`, adding its wall time to `part` (also when it throws). */
  async time<T>(part: TimedPart, action: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await action();
    } finally {
      this.add(part, (performance.now() - started) / 1000);
    }
  }

  /** One epoch's training batches: `images` trained on in `seconds`. */
  addEpoch(phase: EpochPhase, images: number, seconds: number): void {
    this.add('training', seconds);
    let entry = this.phases.find((p) => p.phase === phase);
    if (!entry) {
      entry = { phase, epochs: 0, images: 0, seconds: 0, imagesPerSecond: 0 };
      this.phases.push(entry);
    }
    entry.epochs += 1;
    entry.images += images;
    entry.seconds += seconds;
    entry.imagesPerSecond = imagesPerSecond(entry.images, entry.seconds);
  }

  /** Validation seconds per training second so far (0 before both were measured). */
  validationShare(): number {
    return this.seconds.training > 0 ? this.seconds.validation / this.seconds.training : 0;
  }

  snapshot(): RunTiming {
    const images = this.phases.reduce((sum, p) => sum + p.images, 0);
    return {
      seconds: { ...this.seconds },
      imagesPerSecond: imagesPerSecond(images, this.seconds.training),
      phases: this.phases.map((p) => ({ ...p })),
    };
  }
}
