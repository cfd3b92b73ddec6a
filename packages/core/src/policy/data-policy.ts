/**
 * What user-supplied locations and files convlab accepts: where folder datasets and local weights may
 * live, which hosts weights may come from, and how large an image may be. Core functions take a
 * `DataPolicy` (defaults below); each app builds one from its environment with `dataPolicyEnvSchema`
 * (CONVLAB_DATASET_ROOTS, CONVLAB_WEIGHTS_ROOTS, CONVLAB_WEIGHTS_HOSTS, CONVLAB_MAX_IMAGE_PIXELS,
 * CONVLAB_MAX_IMAGE_BYTES), so the trainer and the dashboard enforce the same rules.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from '../data/image-decode.ts';
import type { WeightsPolicy } from '../models/weights-location.ts';
import { dataRoot, datasetsDir, sharedAssetsDir } from '../paths.ts';

export interface DataPolicy {
  /** Folder datasets must resolve inside one of these. */
  datasetRoots: string[];
  weights: WeightsPolicy;
  images: ImageLimits;
}

/** The official host of the tfjs MobileNetV2 weights (officialMobileNetV2Url). */
export const DEFAULT_WEIGHTS_HOSTS = ['storage.googleapis.com'];

export function defaultDataPolicy(): DataPolicy {
  return {
    datasetRoots: [datasetsDir()],
    weights: {
      roots: [sharedAssetsDir(), path.join(dataRoot(), 'weights')],
      hosts: DEFAULT_WEIGHTS_HOSTS,
    },
    images: DEFAULT_IMAGE_LIMITS,
  };
}

const pathList = z
  .string()
  .transform((value) => value.split(path.delimiter).filter((p) => p.length > 0))
  .optional();

/** The environment variables of a DataPolicy, for an app's env.ts to include. */
export const dataPolicyEnvSchema = z.object({
  /** Folders (joined by ':') that folder datasets must lie in. */
  CONVLAB_DATASET_ROOTS: pathList,
  /** Folders (joined by ':') that local weights must lie in. */
  CONVLAB_WEIGHTS_ROOTS: pathList,
  /** Hosts (comma-separated) that https weights may come from. */
  CONVLAB_WEIGHTS_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h.length > 0),
    )
    .optional(),
  CONVLAB_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  CONVLAB_MAX_IMAGE_BYTES: z.coerce.number().int().min(1).max(4_294_967_296).optional(),
});

export function dataPolicyFromEnv(env: z.output<typeof dataPolicyEnvSchema>): DataPolicy {
  const defaults = defaultDataPolicy();
  return {
    datasetRoots: env.CONVLAB_DATASET_ROOTS ?? defaults.datasetRoots,
    weights: {
      roots: env.CONVLAB_WEIGHTS_ROOTS ?? defaults.weights.roots,
      hosts: env.CONVLAB_WEIGHTS_HOSTS ?? defaults.weights.hosts,
    },
    images: {
      maxPixels: env.CONVLAB_MAX_IMAGE_PIXELS ?? defaults.images.maxPixels,
      maxBytes: env.CONVLAB_MAX_IMAGE_BYTES ?? defaults.images.maxBytes,
    },
  };
}
