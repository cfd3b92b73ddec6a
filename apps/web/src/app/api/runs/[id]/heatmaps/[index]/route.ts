/**
 * GET /api/runs/:id/heatmaps/:index?class=N → test image `index` of a completed run with class N's
 * Grad-CAM heatmap over it, a PNG (stored maps for the most confident mistakes, others on demand).
 */
import { TRPCError } from '@trpc/server';
import { toTRPCError } from '~/server/domain-errors.ts';
import { testImageHeatmapPng } from '~/server/heatmap-images.ts';
import { textResponse } from '~/server/route-access.ts';
import { pngResponse, readTestImageRequest } from '~/server/test-image-route.ts';
import { TestImageUnavailable } from '~/server/test-images.ts';

export const dynamic = 'force-dynamic';

const TRPC_STATUS: Partial<Record<TRPCError['code'], number>> = {
  TOO_MANY_REQUESTS: 429,
  CONFLICT: 409,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
};

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; index: string }> },
): Promise<Response> {
  const read = await readTestImageRequest(request, params);
  if (read instanceof Response) return read;
  const { run, config, index } = read;
  const rawClass = new URL(request.url).searchParams.get('class') ?? '';
  if (!/^\d{1,5}$/.test(rawClass)) return textResponse(400, 'class must be a class index');
  if (run.status !== 'completed' || !run.report)
    return textResponse(409, `run ${run.id} is ${run.status}: heatmaps need a completed run`);
  const classIndex = Number(rawClass);
  if (classIndex >= run.report.classNames.length)
    return textResponse(400, `class must be 0–${run.report.classNames.length - 1}`);
  let png: Buffer;
  try {
    png = await testImageHeatmapPng(run.id, config, index, classIndex);
  } catch (error) {
    if (error instanceof TestImageUnavailable) return textResponse(error.status, error.message);
    // The database layer's errors too (a completed run whose model files are gone: 409, not 500).
    const mapped = toTRPCError(error);
    if (mapped instanceof TRPCError)
      return textResponse(TRPC_STATUS[mapped.code] ?? 500, mapped.message);
    console.error(`heatmap of test image ${index} of run ${run.id}:`, error);
    return textResponse(500, 'the heatmap cannot be computed');
  }
  return pngResponse(png);
}
