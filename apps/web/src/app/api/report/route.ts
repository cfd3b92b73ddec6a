/**
 * GET /api/report?runs=<id>,<id>…&format=html|md → the lab report of those completed runs, as a
 * download: html is one self-contained file; md is a tar of report.md and its assets/ figures.
 * Readers without write access get it with server paths cut (as the leaderboard CSV does).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  MARKDOWN_ASSETS_DIR,
  MAX_REPORT_RUNS,
  renderHtmlReport,
  renderMarkdownReport,
  type LabReportInput,
} from '@convlab/core/report';
import { formatZodIssue, runIdSchema } from '@convlab/core/contracts';
import { LabReportSelectionError, loadLabReportInput } from '@convlab/db';
import * as tar from 'tar';
import { z } from 'zod';
import { getDb } from '~/server/db.ts';
import { mayWrite, refuseUnlessAllowed, textResponse } from '~/server/route-access.ts';
import { hidePathsInText, hideServerPaths } from '~/server/server-paths.ts';

export const dynamic = 'force-dynamic';

const reportQuerySchema = z.object({
  runs: z
    .string()
    .max(4000)
    .transform((text) => text.split(',').filter((id) => id !== ''))
    .pipe(
      z
        .array(runIdSchema)
        .min(1, 'name at least one run')
        .max(MAX_REPORT_RUNS, `a report compares at most ${MAX_REPORT_RUNS} runs`),
    ),
  format: z.enum(['html', 'md']).default('html'),
});

/** The report as a reader without write access may see it: no server paths in names or configs. */
function withoutServerPaths(input: LabReportInput): LabReportInput {
  // Only the text fields: base64 images and heatmaps must stay byte for byte.
  return {
    ...input,
    runs: input.runs.map((run) => ({
      ...run,
      name: hidePathsInText(run.name),
      dataset: hidePathsInText(run.dataset),
      config: hideServerPaths(run.config),
      backendDevice: run.backendDevice && hidePathsInText(run.backendDevice),
    })),
  };
}

/** report.md and assets/ as one tar, built in a scratch folder that is removed before answering. */
async function markdownTar(input: LabReportInput): Promise<Buffer> {
  const { markdown, assets } = renderMarkdownReport(input);
  const scratch = await mkdtemp(path.join(tmpdir(), 'convlab-report-'));
  try {
    await mkdir(path.join(scratch, MARKDOWN_ASSETS_DIR));
    for (const asset of assets)
      await writeFile(path.join(scratch, ...asset.path.split('/')), asset.bytes);
    await writeFile(path.join(scratch, 'report.md'), markdown);
    const chunks: Buffer[] = [];
    for await (const chunk of tar.create({ cwd: scratch, portable: true }, [
      'report.md',
      MARKDOWN_ASSETS_DIR,
    ]))
      chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function GET(request: Request): Promise<Response> {
  const refused = refuseUnlessAllowed(request, 'read');
  if (refused) return refused;
  const query = reportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return textResponse(400, `invalid ${formatZodIssue(query.error, 'query')}`);
  const { runs, format } = query.data;
  let input: LabReportInput;
  try {
    input = await loadLabReportInput(await getDb(), { runIds: runs });
  } catch (error) {
    if (!(error instanceof LabReportSelectionError)) throw error;
    return textResponse(error.message.includes('unknown run ids') ? 404 : 409, error.message);
  }
  if (!mayWrite(request)) input = withoutServerPaths(input);
  const name = `convlab-report-${runs[0] ?? 'runs'}${runs.length > 1 ? `-and-${runs.length - 1}-more` : ''}`;
  const common = {
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  if (format === 'md')
    return new Response(new Uint8Array(await markdownTar(input)), {
      headers: {
        ...common,
        'content-type': 'application/x-tar',
        'content-disposition': `attachment; filename="${name}-md.tar"`,
      },
    });
  return new Response(renderHtmlReport(input), {
    headers: {
      ...common,
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.html"`,
      // Opened from the server anyway, it may load nothing: it is one self-contained file.
      'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
    },
  });
}
