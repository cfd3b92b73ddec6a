/**
 * One epoch's metrics, as the training loop reports them, checkpoints keep them and the database
 * stores them. Zod only, so every layer (and the dashboard) shares this one definition.
 */
import { z } from 'zod';

/** 'train' for CNN presets; transfer presets train 'frozen' (head only), then 'fine-tune'. */
export const EPOCH_PHASES = ['train', 'frozen', 'fine-tune'] as const;
export const epochPhaseSchema = z.enum(EPOCH_PHASES);
export type EpochPhase = z.infer<typeof epochPhaseSchema>;

export const epochMetricsSchema = z.object({
  /** 1-based, counted across phases. */
  epoch: z.number().int().min(1),
  phase: epochPhaseSchema,
  loss: z.number(),
  acc: z.number(),
  valLoss: z.number(),
  valAcc: z.number(),
  /** The learning rate of the epoch's last step. */
  lr: z.number(),
  seconds: z.number(),
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;
