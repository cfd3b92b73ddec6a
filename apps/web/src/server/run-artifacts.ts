/**
 * Files a finished run leaves: report.json and the trained model in TensorFlow.js format
 * (`model/model.json` + weight shards), in `<runs dir>/<id>/` or, with PostgreSQL, in the database's
 * artifact store (written by whichever host trained the run). Only these are offered for download;
 * checkpoints and anything else stay private, and no request path is ever joined onto the disk path
 * unchecked.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { RUN_FOLDER, runDir } from '@convlab/core/paths';
import { createArtifactStore, runFolderFile, type ArtifactStore } from '@convlab/db';
import { getDb } from './db.ts';

export interface RunArtifact {
  /** Relative to the run folder, `/`-separated: `report.json`, `model/model.json`, … */
  path: string;
  bytes: number;
}

const MODEL_DIR = RUN_FOLDER.model;
const REPORT_FILE = RUN_FOLDER.report;
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The database's artifact store when the dashboard runs on PostgreSQL; null for the run folders. */
export async function databaseArtifactStore(): Promise<ArtifactStore | null> {
  const store = createArtifactStore(await getDb());
  return store.kind === 'database' ? store : null;
}

export async function listRunArtifacts(runId: string): Promise<RunArtifact[]> {
  const entries = await createArtifactStore(await getDb()).list(runId);
  return (
    entries
      .filter((entry) => artifactFilePath(runId, entry.path.split('/')) !== null)
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

/** The absolute path of a downloadable artifact, or null when `relativePath` is not one. */
export function artifactFilePath(runId: string, segments: string[]): string | null {
  const [first, second, ...rest] = segments;
  if (rest.length > 0 || first === undefined) return null;
  if (second === undefined)
    return first === REPORT_FILE ? path.join(runDir(runId), REPORT_FILE) : null;
  if (first !== MODEL_DIR || !SAFE_FILE_NAME.test(second)) return null;
  return path.join(runDir(runId), MODEL_DIR, second);
}

/**
 * A downloadable artifact as a regular file inside the run's folder: never through a symlink (a run
 * folder is written by the trainer, but a link planted there must not expose other files). Null when
 * `segments` name no artifact or the file is missing or not plain.
 */
export async function artifactFile(
  runId: string,
  segments: string[],
): Promise<{ file: string; size: number } | null> {
  if (!artifactFilePath(runId, segments)) return null;
  return runFolderFile(runId, segments.join('/'));
}

/** A downloadable artifact's body and size, from the run folder or the database; null if none. */
export async function openArtifact(
  runId: string,
  segments: string[],
): Promise<{ name: string; size: number; body: ReadableStream<Uint8Array> } | null> {
  const store = await databaseArtifactStore();
  if (store) {
    if (!artifactFilePath(runId, segments)) return null;
    const bytes = await store.read(runId, segments.join('/'));
    if (!bytes) return null;
    const body = Readable.toWeb(Readable.from([bytes])) as ReadableStream<Uint8Array>;
    return { name: segments.at(-1) ?? '', size: bytes.byteLength, body };
  }
  const artifact = await artifactFile(runId, segments);
  if (!artifact) return null;
  const body = Readable.toWeb(createReadStream(artifact.file)) as ReadableStream<Uint8Array>;
  return { name: path.basename(artifact.file), size: artifact.size, body };
}

/** Whether the run has a model (model/model.json, in a real folder, never through a link). */
export async function hasModelFolder(runId: string): Promise<boolean> {
  const store = createArtifactStore(await getDb());
  return (await store.list(runId, `${MODEL_DIR}/`)).some(
    (entry) => entry.path === `${MODEL_DIR}/${RUN_FOLDER.modelJson}`,
  );
}

/** Removes the run's folder (model, report, checkpoints) and its stored files. Missing ones are fine. */
export async function removeRunArtifacts(runId: string): Promise<void> {
  await rm(runDir(runId), { recursive: true, force: true });
  await (await databaseArtifactStore())?.remove(runId);
}
