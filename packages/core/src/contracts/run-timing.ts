/**
 * Where a run's time went: seconds per part of the run and the training throughput, summed over its
 * attempts (a resumed run carries the earlier attempts' time in its checkpoint). report.json, the
 * database and `convlab show --json` all hold this one shape.
 */
import { z } from 'zod';
import { epochPhaseSchema } from './epoch-metrics.ts';

const nonNegativeFinite = z.number().min(0).refine(Number.isFinite, 'must be a finite number');

/**
 * loading: reading the dataset and building the model; caching: filling activation caches (frozen
 * features, the fine-tuning trunk); training: the training batches; validation: the end-of-epoch
 * validation passes; evaluation: predicting the test set and building the report.
 */
export const TIMED_PARTS = ['loading', 'caching', 'training', 'validation', 'evaluation'] as const;
export type TimedPart = (typeof TIMED_PARTS)[number];

/** Training time of one epoch phase (frozen epochs on cached features are much faster than fine-tuning). */
export const phaseThroughputSchema = z.object({
  phase: epochPhaseSchema,
  epochs: z.number().int().min(0),
  /** Training images processed (epochs × training-set size). */
  images: z.number().int().min(0),
  seconds: nonNegativeFinite,
  imagesPerSecond: nonNegativeFinite,
});
export type PhaseThroughput = z.infer<typeof phaseThroughputSchema>;

export const runTimingSchema = z.object({
  seconds: z.object({
    loading: nonNegativeFinite,
    caching: nonNegativeFinite,
    training: nonNegativeFinite,
    validation: nonNegativeFinite,
    evaluation: nonNegativeFinite,
  }),
  /** Training images per second of training time, over every phase. */
  imagesPerSecond: nonNegativeFinite,
  phases: z.array(phaseThroughputSchema),
});
export type RunTiming = z.infer<typeof runTimingSchema>;

/** Training images per second, 0 before any training time was measured. */
export function imagesPerSecond(images: number, trainingSeconds: number): number {
  return trainingSeconds > 0 ? images / trainingSeconds : 0;
}
