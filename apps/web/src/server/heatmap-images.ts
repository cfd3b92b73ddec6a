/**
 * Grad-CAM overlays of a run's test images, as PNGs for the dashboard's galleries. The most confident
 * mistakes have their maps stored with the run (grad-cam.json, written when the run was evaluated), so
 * they are drawn from the store on any host; other test images (a confusion-matrix cell's) are
 * explained on demand with the run's cached model, queued like predictions.
 */
import { decodePngRgb, heatmapFromBytes, overlayPng } from '@convlab/core';
import { RUN_FOLDER } from '@convlab/core/paths';
import { gradCamFileSchema, type GradCamFile, type RunConfig } from '@convlab/core/contracts';
import { createArtifactStore } from '@convlab/db';
import { webEnv } from '~/env.ts';
import { getDb } from './db.ts';
import { LruCache } from './lru-cache.ts';
import { explainStoredTestImage } from './run-predictor.ts';
import { testImagePixels } from './test-images.ts';

/** The run's stored heatmaps, or null when it has none (older runs) or they cannot be read. */
export async function readGradCamFile(runId: string): Promise<GradCamFile | null> {
  try {
    const bytes = await createArtifactStore(await getDb()).read(runId, RUN_FOLDER.gradCam);
    if (!bytes) return null;
    const parsed = gradCamFileSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The overlay of a stored map, or null when the file has no map of that image and class. */
function storedOverlay(file: GradCamFile, index: number, classIndex: number): Buffer | null {
  const entry = file.entries.find((e) => e.index === index);
  const map = entry?.maps.find((m) => m.classIndex === classIndex);
  if (!entry || !map) return null;
  const heat = heatmapFromBytes(Buffer.from(map.heatmap, 'base64'));
  if (heat.length !== file.width * file.height) return null;
  return overlayPng(
    decodePngRgb(Buffer.from(entry.image, 'base64')),
    heat,
    file.width,
    file.height,
  );
}

const MAX_CACHED_OVERLAYS = 256;
const overlays = new LruCache<string, Buffer>(MAX_CACHED_OVERLAYS);

/**
 * The overlay of class `classIndex`'s Grad-CAM map on test image `index` of a completed run (a
 * completed run never changes, so overlays are cached by run, image and class).
 */
export async function testImageHeatmapPng(
  runId: string,
  config: RunConfig,
  index: number,
  classIndex: number,
): Promise<Buffer> {
  const key = `${runId}/${index}/${classIndex}`;
  const cached = overlays.get(key);
  if (cached) return cached;
  const file = await readGradCamFile(runId);
  let png = file ? storedOverlay(file, index, classIndex) : null;
  if (!png) {
    const pixels = await testImagePixels(runId, config, index, webEnv().policy);
    const overlay = await explainStoredTestImage(await getDb(), runId, pixels, classIndex);
    png = Buffer.from(overlay.png, 'base64');
  }
  overlays.set(key, png);
  return png;
}
