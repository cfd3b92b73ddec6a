/**
 * GET /api/runs/:id/files/report.json and /api/runs/:id/files/model/<file> → a run's artifacts, as
 * downloads (the trained model is TensorFlow.js's layers format: model.json + weight shards).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { artifactFilePath } from '~/server/run-artifacts.ts';
import { refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; path: string[] }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id, path: segments } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return textResponse(400, 'not a run id');
  const file = artifactFilePath(id, segments);
  if (!file) return textResponse(404, 'only report.json and model/<file> can be downloaded');
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    return textResponse(404, `run ${id} has no ${segments.join('/')} (not finished, or deleted)`);
  }
  const name = path.basename(file);
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'content-length': String(size),
      // Model files keep their names: model.json refers to its weight shards by file name.
      'content-disposition': `attachment; filename="${segments.length > 1 ? name : `${id}-${name}`}"`,
      'x-content-type-options': 'nosniff',
    },
  });
}
