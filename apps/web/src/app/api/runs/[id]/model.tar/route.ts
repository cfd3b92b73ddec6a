/** GET /api/runs/:id/model.tar → the trained model folder (model.json + weight shards) as one tar. */
import { Readable } from 'node:stream';
import { RUN_FOLDER } from '@convlab/core/paths';
import { isRunId } from '@convlab/core/contracts';
import * as tar from 'tar';
import { runExists } from '@convlab/db';
import { getDb } from '~/server/db.ts';
import { hasModelFolder, localModelFolder } from '~/server/run-artifacts.ts';
import { refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';

export const dynamic = 'force-dynamic';

export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const { id } = await params;
  if (!isRunId(id)) return textResponse(400, 'not a run id');
  if (!(await runExists(await getDb(), id))) return textResponse(404, `no run with id ${id}`);
  if (!(await hasModelFolder(id))) {
    return textResponse(404, `run ${id} has no trained model (not finished, or deleted)`);
  }
  // The model as files on this host: the run folder itself, or a scratch copy of the stored files.
  const local = await localModelFolder(id);
  // The archive holds model/…; `tf.loadLayersModel('file://…/model/model.json')` loads it unpacked.
  // Links inside are stored as links (tar does not follow them), never as the files they point at.
  const archive = Readable.from(
    tar.create({ cwd: local.dir, portable: true, follow: false }, [RUN_FOLDER.model]),
  );
  archive.once('close', () => void local.release());
  const body = Readable.toWeb(archive) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'content-type': 'application/x-tar',
      'content-disposition': `attachment; filename="${id}-model.tar"`,
      'x-content-type-options': 'nosniff',
    },
  });
}
