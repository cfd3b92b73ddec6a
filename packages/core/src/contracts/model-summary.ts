/**
 * A model's architecture as Keras's model.summary() prints it: every layer with its kind, output shape
 * and parameters, and the totals. Recorded when a run starts training; the run page, `convlab show
 * --summary` and the lab report read this one shape.
 */
import { z } from 'zod';

const count = z.number().int().min(0);

export const layerSummarySchema = z.object({
  name: z.string().max(200),
  /** The layer's class, e.g. Conv2D, Dense, DepthwiseConv2D. */
  kind: z.string().max(100),
  /** Without the batch dimension; null where a dimension is not fixed. */
  outputShape: z.array(z.number().int().nullable()),
  params: count,
  /** Trained in the run's first phase (a transfer run's backbone is frozen). */
  trainable: z.boolean(),
  /** Part of the pretrained backbone (the run page folds these into one row). */
  backbone: z.boolean(),
  /** A backbone layer that fine-tuning unfreezes. */
  fineTuned: z.boolean(),
});
export type LayerSummary = z.infer<typeof layerSummarySchema>;

export const modelSummarySchema = z.object({
  name: z.string().max(200),
  layers: z.array(layerSummarySchema).max(2000),
  totalParams: count,
  /** Trained in the first phase. */
  trainableParams: count,
  nonTrainableParams: count,
  /** Parameters fine-tuning trains in addition (0 without a fine-tune phase). */
  fineTunedParams: count,
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/**
 * What happens to a layer's parameters: trained from the start, unfrozen for fine-tuning, or frozen;
 * null for a layer without parameters (pooling, flatten), which has nothing to train.
 */
export function layerTrainingRole(layer: LayerSummary): 'yes' | 'fine-tune' | 'frozen' | null {
  if (layer.params === 0) return null;
  if (layer.trainable) return 'yes';
  return layer.fineTuned ? 'fine-tune' : 'frozen';
}
