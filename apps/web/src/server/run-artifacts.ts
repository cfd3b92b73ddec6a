/**
 * Files a finished run leaves: report.json and the trained model in TensorFlow.js format
 * (`model/model.json` + weight shards), in the run's artifact store (its folder under the runs dir,
 * or with PostgreSQL the database, written by whichever host trained the run). Only these are offered
 * for download; checkpoints and anything else stay private, and a request path is only ever used as
 * one of these store paths.
 */
import { RUN_FOLDER } from '@convlab/core/paths';
import { createArtifactStore, type ArtifactStore, type LocalArtifactFolder } from '@convlab/db';
import { getDb } from './db.ts';

export interface RunArtifact {
  /** Relative to the run folder, `/`-separated: `report.json`, `model/model.json`, … */
  path: string;
  bytes: number;
}

const MODEL_DIR = RUN_FOLDER.model;
const REPORT_FILE = RUN_FOLDER.report;
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function runStore(): Promise<ArtifactStore> {
  return createArtifactStore(await getDb());
}

export async function listRunArtifacts(runId: string): Promise<RunArtifact[]> {
  const entries = await (await runStore()).list(runId);
  return (
    entries
      .filter((entry) => downloadablePath(entry.path.split('/')) !== null)
      .map((entry) => ({ path: entry.path, bytes: entry.size }))
      // model.json first: it is the file a user loads (tf.loadLayersModel), the shards sit beside it.
      .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
  );
}

function rank(artifactPath: string): number {
  if (artifactPath === REPORT_FILE) return 0;
  if (artifactPath === `${MODEL_DIR}/${RUN_FOLDER.modelJson}`) return 1;
  return 2;
}

/** The store path of a downloadable artifact (`report.json`, `model/<file>`), or null when `segments` name none. */
export function downloadablePath(segments: string[]): string | null {
  const [first, second, ...rest] = segments;
  if (rest.length > 0 || first === undefined) return null;
  if (second === undefined) return first === REPORT_FILE ? REPORT_FILE : null;
  if (first !== MODEL_DIR || !SAFE_FILE_NAME.test(second)) return null;
  return `${MODEL_DIR}/${second}`;
}

/**
 * A downloadable artifact's body and size, from whichever store holds it (never through a symlink:
 * a run folder is written by the trainer, but a link planted there must not expose other files);
 * null when `segments` name no artifact or the run has no such file.
 */
export async function openArtifact(
  runId: string,
  segments: string[],
): Promise<{ name: string; size: number; body: ReadableStream<Uint8Array> } | null> {
  const filePath = downloadablePath(segments);
  if (!filePath) return null;
  const download = await (await runStore()).open(runId, filePath);
  return download && { name: segments.at(-1) ?? '', ...download };
}

/** Whether the run has a model (model/model.json, in a real folder, never through a link). */
export async function hasModelFolder(runId: string): Promise<boolean> {
  return (await (await runStore()).list(runId, `${MODEL_DIR}/`)).some(
    (entry) => entry.path === `${MODEL_DIR}/${RUN_FOLDER.modelJson}`,
  );
}

/** A folder on this host holding the run's `model/` (release it once read). */
export async function localModelFolder(runId: string): Promise<LocalArtifactFolder> {
  return (await runStore()).localFolder(runId, `${MODEL_DIR}/`);
}

/** Removes the run's folder (model, report, checkpoints) and its stored files. Missing ones are fine. */
export async function removeRunArtifacts(runId: string): Promise<void> {
  await (await runStore()).discard(runId);
}
