/** GET /api/runs/:id/images/:index → the run's test image `index` as a PNG. */
import { encodeImagePng } from '@convlab/core';
import { isRunId } from '@convlab/core/schema';
import { getRunDetail } from '@convlab/db';
import { webEnv } from '~/env.ts';
import { getDb } from '~/server/db.ts';
import { refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';
import { folderTestImagePng, loadTestSet, TestImageUnavailable } from '~/server/test-images.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; index: string }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id, index: rawIndex } = await params;
  if (!isRunId(id)) return textResponse(400, 'not a run id');
  if (!/^\d{1,7}$/.test(rawIndex)) return textResponse(400, 'image index must be a whole number');
  const run = await getRunDetail(await getDb(), id);
  if (!run) return textResponse(404, `no run with id ${id}`);
  const config = run.config;
  if (!config) return textResponse(409, `run ${id} has no valid config: ${run.configError}`);
  const index = Number(rawIndex);
  let png: Buffer;
  try {
    if (config.dataset.startsWith('folder:')) {
      png = await folderTestImagePng(id, config, index, webEnv().policy);
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
    console.error(`test image ${index} of run ${id}:`, error);
    return textResponse(500, "the run's test images cannot be loaded");
  }
  return new Response(new Uint8Array(png), {
    headers: {
      'content-type': 'image/png',
      // Same run config → same image; a run's config never changes.
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
    },
  });
}
