/** GET /api/runs/:id/model.tar → the trained model folder (model.json + weight shards) as one tar. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { runDir } from '@convlab/core/paths';
import * as tar from 'tar';
import { refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id } = await params;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return textResponse(400, 'not a run id');
  const dir = runDir(id);
  if (!existsSync(path.join(dir, 'model', 'model.json'))) {
    return textResponse(404, `run ${id} has no trained model (not finished, or deleted)`);
  }
  // The archive holds model/…; `tf.loadLayersModel('file://…/model/model.json')` loads it unpacked.
  const archive = tar.create({ cwd: dir, portable: true }, ['model']);
  const body = Readable.toWeb(Readable.from(archive)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${id}-model.tar"`,
      'x-content-type-options': 'nosniff',
    },
  });
}
