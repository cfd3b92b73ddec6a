/**
 * What the routes that draw a run's test images share (GET /api/runs/:id/images/:index and
 * /api/runs/:id/heatmaps/:index): read access, a valid run id and image index, the run and its config,
 * and the PNG response.
 */
import { isRunId, type RunConfig } from '@convlab/core/contracts';
import { getRunDetail, type RunDetail } from '@convlab/db';
import { getDb } from './db.ts';
import { refuseUnlessAllowed, textResponse } from './route-access.ts';

export interface TestImageRequest {
  run: RunDetail;
  config: RunConfig;
  index: number;
}

/** The request's run and image index, or the response that refuses it. */
export async function readTestImageRequest(
  request: Request,
  params: Promise<{ id: string; index: string }>,
): Promise<TestImageRequest | Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id, index } = await params;
  if (!isRunId(id)) return textResponse(400, 'not a run id');
  if (!/^\d{1,7}$/.test(index)) return textResponse(400, 'image index must be a whole number');
  const run = await getRunDetail(await getDb(), id);
  if (!run) return textResponse(404, `no run with id ${id}`);
  const config = run.config;
  if (!config) return textResponse(409, `run ${id} has no valid config: ${run.configError}`);
  return { run, config, index: Number(index) };
}

/** A PNG the browser may cache: a run's test images and heatmaps never change. */
export function pngResponse(png: Uint8Array): Response {
  return new Response(new Uint8Array(png), {
    headers: {
      'content-type': 'image/png',
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
    },
  });
}
