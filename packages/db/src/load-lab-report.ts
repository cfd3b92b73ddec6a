/**
 * Gathers what a lab report is built from (core's LabReportInput): the runs by id or by comparison
 * group, each with its epochs, report, model summary and timing from the database, and its per-image
 * test predictions and Grad-CAM file from the artifact store, whichever kind it is.
 */
import { RUN_FOLDER } from '@convlab/core/paths';
import {
  gradCamFileSchema,
  inputReferenceSchema,
  reportFileListsSchema,
  runIdSchema,
  type GradCamFile,
  type InputReference,
} from '@convlab/core/contracts';
import {
  MAX_REPORT_RUNS,
  parseLabReportInput,
  type LabReportInput,
  type ReportRun,
} from '@convlab/core/report';
import { z } from 'zod';
import { createArtifactStore, type ArtifactStore } from './artifact-store.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { getRunDetail, type RunDetail } from './read-models.ts';

/** Which runs a report covers: listed ids, or a comparison group's runs. */
export const labReportSelectionSchema = z.union([
  z.object({ runIds: z.array(z.string().min(1).max(200)).min(1, 'name at least one run') }),
  z.object({ groupId: z.string().min(1).max(200) }),
]);
export type LabReportSelection = z.infer<typeof labReportSelectionSchema>;

/** Input a report cannot be built from; the message is one line naming every offending run. */
export class LabReportSelectionError extends Error {
  override name = 'LabReportSelectionError';
}

/** The run ids a selection names, in order, each once; refused past the bound before any run is read. */
async function selectedRunIds(db: PrismaClient, selection: LabReportSelection): Promise<string[]> {
  if ('runIds' in selection) {
    const ids = [...new Set(selection.runIds)];
    if (ids.length > MAX_REPORT_RUNS)
      throw new LabReportSelectionError(
        `asked for ${ids.length} runs; a report compares at most ${MAX_REPORT_RUNS}`,
      );
    return ids;
  }
  const { groupId } = selection;
  const count = await db.run.count({ where: { groupId } });
  if (count === 0) throw new LabReportSelectionError(`no runs in group ${groupId}`);
  if (count > MAX_REPORT_RUNS)
    throw new LabReportSelectionError(
      `group ${groupId} has ${count} runs; a report compares at most ${MAX_REPORT_RUNS} (name up to ${MAX_REPORT_RUNS} of its run ids instead)`,
    );
  const runs = await db.run.findMany({
    where: { groupId },
    select: { id: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return runs.map((run) => run.id);
}

function parseJson(bytes: Uint8Array | null): unknown {
  if (bytes === null) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

interface StoredFiles {
  predictions: number[];
  testLabels: number[];
  inputReference: InputReference | null;
  gradCam: GradCamFile | null;
}

/** report.json's per-image lists (older files keep predictions inside `report`) and grad-cam.json. */
async function readStoredFiles(store: ArtifactStore, runId: string): Promise<StoredFiles | string> {
  const reportFile = parseJson(await store.read(runId, RUN_FOLDER.report).catch(() => null));
  if (reportFile === null) return 'its report.json is missing or unreadable';
  const lists = reportFileListsSchema.safeParse(reportFile);
  const predictions = lists.success
    ? (lists.data.predictions ?? lists.data.report?.predictions)
    : undefined;
  const testLabels = lists.success ? lists.data.testLabels : undefined;
  if (!predictions || !testLabels)
    return 'its report.json has no per-image test predictions (it predates them)';
  const reference = inputReferenceSchema.safeParse(
    z.object({ report: z.object({ inputReference: z.unknown() }) }).safeParse(reportFile).data
      ?.report.inputReference,
  );
  // A Grad-CAM file that is missing or does not validate only leaves the examples out.
  const gradCam = gradCamFileSchema.safeParse(
    parseJson(await store.read(runId, RUN_FOLDER.gradCam).catch(() => null)),
  );
  return {
    predictions,
    testLabels,
    inputReference: reference.success ? reference.data : null,
    gradCam: gradCam.success ? gradCam.data : null,
  };
}

function reportRunFrom(run: RunDetail, files: StoredFiles): unknown {
  const { runId: _runId, createdAt: _createdAt, ...report } = run.report ?? {};
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    dataset: run.dataset,
    config: run.config,
    epochs: run.epochs.map(({ epoch, phase, loss, acc, valLoss, valAcc, lr, seconds }) => ({
      epoch,
      phase,
      loss,
      acc,
      valLoss,
      valAcc,
      lr,
      seconds,
    })),
    report: { ...report, inputReference: files.inputReference ?? undefined },
    inputReference: files.inputReference,
    modelSummary: run.modelSummary,
    timing: run.timing,
    backend: run.backend,
    backendDevice: run.backendDevice,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    predictions: files.predictions,
    testLabels: files.testLabels,
    gradCam: files.gradCam,
  } satisfies Record<keyof ReportRun, unknown>;
}

/**
 * A report's input for the selected runs. Throws LabReportSelectionError (one line) for unknown ids,
 * runs that are not completed or lack their stored predictions, and more than MAX_REPORT_RUNS runs.
 * Runs on different datasets are allowed: the report states the difference.
 */
export async function loadLabReportInput(
  db: PrismaClient,
  selection: LabReportSelection,
  options: { title?: string; now?: Date } = {},
): Promise<LabReportInput> {
  const parsed = labReportSelectionSchema.safeParse(selection);
  if (!parsed.success) throw new LabReportSelectionError('name run ids or a group id');
  const ids = await selectedRunIds(db, parsed.data);
  const unknown: string[] = [];
  const unfinished: string[] = [];
  const details: RunDetail[] = [];
  for (const id of ids) {
    const run = runIdSchema.safeParse(id).success ? await getRunDetail(db, id) : null;
    if (!run) unknown.push(id);
    else if (run.status !== 'completed' || !run.report || !run.config)
      unfinished.push(
        `${id} (${run.status !== 'completed' ? run.status : run.config ? 'no report' : 'invalid config'})`,
      );
    else details.push(run);
  }
  const problems = [
    ...(unknown.length > 0 ? [`unknown run ids: ${unknown.join(', ')}`] : []),
    ...(unfinished.length > 0 ? [`runs not completed: ${unfinished.join(', ')}`] : []),
  ];
  if (problems.length > 0)
    throw new LabReportSelectionError(`cannot report on ${problems.join('; ')}`);
  const store = createArtifactStore(db);
  const runs: unknown[] = [];
  const missing: string[] = [];
  for (const run of details) {
    const files = await readStoredFiles(store, run.id);
    if (typeof files === 'string') missing.push(`${run.id} (${files})`);
    else runs.push(reportRunFrom(run, files));
  }
  if (missing.length > 0)
    throw new LabReportSelectionError(
      `cannot report on runs without their predictions: ${missing.join(', ')}`,
    );
  return parseLabReportInput({
    title: options.title,
    generatedAt: (options.now ?? new Date()).toISOString(),
    runs,
  });
}
