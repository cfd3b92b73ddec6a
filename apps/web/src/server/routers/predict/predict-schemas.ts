import { z } from 'zod';

/** Grad-CAM overlays with each prediction (the predicted class, and the true one where known). */
export const explainSchema = z.boolean().default(false);
