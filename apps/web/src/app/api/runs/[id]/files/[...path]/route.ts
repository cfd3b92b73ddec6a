/**
 * GET /api/runs/:id/files/report.json and /api/runs/:id/files/model/<file> → a run's artifacts, as
 * downloads (the trained model is TensorFlow.js's layers format: model.json + weight shards).
 */
import { isRunId } from '@convlab/core/contracts';
import { runExists } from '@convlab/db';
import { getDb } from '~/server/db.ts';
import { downloadablePath, openArtifact } from '~/server/run-artifacts.ts';
import { mayWrite, refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';
import { hidePathsInText } from '~/server/server-paths.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; path: string[] }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id, path: segments } = await params;
  if (!isRunId(id)) return textResponse(400, 'not a run id');
  if (!downloadablePath(segments))
    return textResponse(404, 'only report.json and model/<file> can be downloaded');
  // Only folders of runs the database knows: a leftover folder of a deleted run is not served.
  if (!(await runExists(await getDb(), id))) return textResponse(404, `no run with id ${id}`);
  const artifact = await openArtifact(id, segments);
  if (!artifact)
    return textResponse(404, `run ${id} has no ${segments.join('/')} (not finished, or deleted)`);
  const { name } = artifact;
  let { size, body }: { size: number; body: ReadableStream<Uint8Array> | string } = artifact;
  if (name === 'report.json' && !mayWrite(request)) {
    // report.json holds the run's config (a folder dataset's path, a local weights file): readers
    // who may not change anything get it with server paths cut, as everywhere else.
    body = hidePathsInText(await new Response(artifact.body).text());
    size = Buffer.byteLength(body);
  }
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
