/** GET /api/runs/:id/images/:index → the run's test image `index` as a PNG. */
import { encodeImagePng } from '@convlab/core';
import { webEnv } from '~/env.ts';
import { textResponse } from '~/server/route-access.ts';
import { pngResponse, readTestImageRequest } from '~/server/test-image-route.ts';
import { folderTestImagePng, loadTestSet, TestImageUnavailable } from '~/server/test-images.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; index: string }> },
): Promise<Response> {
  const read = await readTestImageRequest(request, params);
  if (read instanceof Response) return read;
  const { run, config, index } = read;
  let png: Buffer;
  try {
    if (config.dataset.startsWith('folder:')) {
      png = await folderTestImagePng(run.id, config, index, webEnv().policy);
    } else {
      const testSet = await loadTestSet(config);
      if (index >= testSet.images.count) {
        return textResponse(
          404,
          `the test set has ${testSet.images.count} images; no image ${index}`,
        );
      }
      png = encodeImagePng(testSet.images, index);
    }
  } catch (error) {
    if (error instanceof TestImageUnavailable) return textResponse(error.status, error.message);
    // The reason may name server paths: it goes to the server's log, the reader gets a plain message.
    console.error(`test image ${index} of run ${run.id}:`, error);
    return textResponse(500, "the run's test images cannot be loaded");
  }
  return pngResponse(png);
}
