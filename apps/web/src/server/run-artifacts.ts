/**
 * Files a finished run leaves in `<runs dir>/<id>/`: report.json and the trained model in TensorFlow.js
 * format (`model/model.json` + weight shards). Only these are offered for download; checkpoints and
 * anything else in the folder stay private, and no request path is ever joined onto the disk path
 * unchecked.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RUN_FOLDER, runDir } from '@convlab/core/paths';

export interface RunArtifact {
  /** Relative to the run folder, `/`-separated: `report.json`, `model/model.json`, … */
  path: string;
  bytes: number;
}

const MODEL_DIR = RUN_FOLDER.model;
const REPORT_FILE = RUN_FOLDER.report;
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export async function listRunArtifacts(runId: string): Promise<RunArtifact[]> {
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

/** Whether the run's model folder is a real folder (not a link) holding model.json. */
export async function hasModelFolder(runId: string): Promise<boolean> {
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

/** Removes the run's folder (model, report, checkpoints). Missing folders are fine. */
export async function removeRunArtifacts(runId: string): Promise<void> {
  await rm(runDir(runId), { recursive: true, force: true });
}

async function fileSize(file: string): Promise<number | null> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}
