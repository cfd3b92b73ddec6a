/**
 * The run folder's grad-cam.json: Grad-CAM heatmaps of the run's most confident mistakes, computed once
 * when the run is evaluated and stored with its artifacts, so a dashboard or a report on any host shows
 * them without the dataset or the model. Each entry carries the test image as the dataset stores it
 * (a PNG) and one map per class explained: the predicted class first, then the true one.
 */
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const unit = z.number().min(0).max(1);

export const gradCamMapSchema = z.object({
  /** The class whose score the map explains (an index into the report's classNames). */
  classIndex: z.number().int().min(0),
  label: z.string(),
  /** The model's probability of that class for this image. */
  probability: unit,
  /**
   * The heatmap at the model's input resolution (`width` × `height` of the file), row-major, one byte
   * per pixel: 0 = no evidence for the class, 255 = the map's maximum. Base64.
   */
  heatmap: base64,
  /** Where the map peaks, as a fraction of the width and height (0–1, from the top left). */
  peak: z.object({ x: unit, y: unit }),
});
export type GradCamMap = z.infer<typeof gradCamMapSchema>;

export const gradCamEntrySchema = z.object({
  /** Index of the image in the evaluated test set. */
  index: z.number().int().min(0),
  trueLabel: z.string(),
  predictedLabel: z.string(),
  /** The test image as the dataset stores it, a PNG (base64). */
  image: base64,
  maps: z.array(gradCamMapSchema).min(1).max(2),
});
export type GradCamEntry = z.infer<typeof gradCamEntrySchema>;

export const gradCamFileSchema = z.object({
  /** The layer whose feature map the heatmaps weigh (the last convolutional map before pooling). */
  layer: z.string(),
  /** The heatmaps' size: the model's input resolution. */
  width: z.number().int().min(1).max(1024),
  height: z.number().int().min(1).max(1024),
  /** The report's misclassified images, in its order (most confident mistakes first). */
  entries: z.array(gradCamEntrySchema).max(100),
});
export type GradCamFile = z.infer<typeof gradCamFileSchema>;
