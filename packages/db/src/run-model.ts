/**
 * What predicting with a finished run needs: its config (how images are sized and scaled), its class
 * names and its trained model's files, from whichever store holds them (run folder or database).
 */
import { RUN_FOLDER } from '@convlab/core/paths';
import type { RunConfig } from '@convlab/core/contracts';
import { createArtifactStore, type ArtifactFile } from './artifact-store.ts';
import { RunNotFoundError, RunStateError } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { getRunDetail } from './read-models.ts';

export interface RunModelInfo {
  runId: string;
  config: RunConfig;
  classNames: string[];
  /** When the run finished: a cache keyed on it never serves a model the run no longer has. */
  finishedAt: Date | null;
}

export interface RunModelFiles extends RunModelInfo {
  /** The model folder's files, paths relative to it (`model.json`, `weights.bin`). */
  files: ArtifactFile[];
  /**
   * report.json's bytes, for what only it holds (the input reference predictions are assessed
   * against); null when it is missing or unreadable, and predictions then go unassessed.
   */
  reportFile: Uint8Array | null;
}

/**
 * What predicting with a run needs to know, without its files. Throws RunNotFoundError for an unknown
 * id and RunStateError for a run that is not completed or has no valid config.
 */
export async function readRunModelInfo(db: PrismaClient, runId: string): Promise<RunModelInfo> {
  const run = await getRunDetail(db, runId);
  if (!run) throw new RunNotFoundError(runId);
  if (run.status !== 'completed' || !run.report)
    throw new RunStateError(runId, run.status, 'predict with');
  if (!run.config) throw new RunStateError(runId, 'without a valid config', 'predict with');
  return {
    runId,
    config: run.config,
    classNames: run.report.classNames,
    finishedAt: run.finishedAt,
  };
}

/** readRunModelInfo, the trained model's files and report.json; RunStateError when the model is gone. */
export async function readRunModelFiles(db: PrismaClient, runId: string): Promise<RunModelFiles> {
  const info = await readRunModelInfo(db, runId);
  const store = createArtifactStore(db);
  const prefix = `${RUN_FOLDER.model}/`;
  const files = (await store.readAll(runId, prefix)).map((file) => ({
    path: file.path.slice(prefix.length),
    bytes: file.bytes,
  }));
  if (!files.some((file) => file.path === RUN_FOLDER.modelJson))
    throw new RunStateError(
      runId,
      'without its trained model (the files are gone)',
      'predict with',
    );
  const reportFile = await store.read(runId, RUN_FOLDER.report).catch(() => null);
  return { ...info, files, reportFile };
}
