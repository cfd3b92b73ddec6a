/**
 * Files a finished run leaves: report.json and the trained model in TensorFlow.js format
 * (`model/model.json` + weight shards), in `<runs dir>/<id>/` or, with PostgreSQL, in the database's
 * artifact store (written by whichever host trained the run). Only these are offered for download;
 * checkpoints and anything else stay private, and no request path is ever joined onto the disk path
 * unchecked.
 */
import { createReadStream, existsSync } from 'node:fs';
import { lstat, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { RUN_FOLDER, runDir } from '@convlab/core/paths';
import { createArtifactStore, type ArtifactStore } from '@convlab/db';
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
  const store = await databaseArtifactStore();
  if (store) {
    const entries = await store.list(runId);
    return entries
      .filter((entry) => artifactFilePath(runId, entry.path.split('/')) !== null)
      .map((entry) => ({ path: entry.path, bytes: entry.size }))
      .sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
  const dir = runDir(runId);
  const artifacts: RunArtifact[] = [];
  const report = await fileSize(path.join(dir, REPORT_FILE));
  if (report !== null) artifacts.push({ path: REPORT_FILE, bytes: report });
  const modelDir = path.join(dir, MODEL_DIR);
  if (existsSync(modelDir)) {
    const entries = await readdir(modelDir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile() || !SAFE_FILE_NAME.test(entry.name)) continue;
      const bytes = await fileSize(path.join(modelDir, entry.name));
      if (bytes !== null) artifacts.push({ path: `${MODEL_DIR}/${entry.name}`, bytes });
    }
  }
  // model.json first: it is the file a user loads (tf.loadLayersModel), the shards sit beside it.
  return artifacts.sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
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
  const file = artifactFilePath(runId, segments);
  if (!file) return null;
  try {
    const info = await lstat(file);
    if (!info.isFile()) return null;
    const [real, root] = await Promise.all([realpath(file), realpath(runDir(runId))]);
    if (!real.startsWith(root + path.sep)) return null;
    return { file: real, size: info.size };
  } catch {
    return null;
  }
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

/** Whether the run's model folder is a real folder (not a link) holding model.json. */
export async function hasModelFolder(runId: string): Promise<boolean> {
  const store = await databaseArtifactStore();
  if (store)
    return (await store.list(runId, `${MODEL_DIR}/`)).some(
      (entry) => entry.path === `${MODEL_DIR}/${RUN_FOLDER.modelJson}`,
    );
  try {
    const dir = path.join(runDir(runId), MODEL_DIR);
    return (
      (await lstat(dir)).isDirectory() &&
      (await artifactFile(runId, [MODEL_DIR, RUN_FOLDER.modelJson])) !== null
    );
  } catch {
    return false;
  }
}

/** Removes the run's folder (model, report, checkpoints) and its stored files. Missing ones are fine. */
export async function removeRunArtifacts(runId: string): Promise<void> {
  await rm(runDir(runId), { recursive: true, force: true });
  await (await databaseArtifactStore())?.remove(runId);
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}
