/**
 * Where convlab keeps its files. Everything is anchored at the repository root (the folder whose
 * package.json is named "convlab") so the web app, the trainer and the tests agree on paths no matter
 * which folder they were started from. Environment variables override each location (env.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunId } from './contracts/run-contract.ts';
import { coreEnv } from './env.ts';

let cachedRoot: string | undefined;

/** The convlab repository root, found by walking up from this file. */
export function findRepoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'convlab') return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the convlab repository root above ' + dir);
    dir = parent;
  }
}

/** Root of convlab's mutable data: database, datasets, run artifacts. */
export function dataRoot(): string {
  return path.resolve(coreEnv().CONVLAB_HOME ?? path.join(findRepoRoot(), 'data'));
}

/** Downloaded / rebuilt datasets (`<dataRoot>/datasets`, or CONVLAB_DATA_DIR). */
export function datasetsDir(): string {
  return path.resolve(coreEnv().CONVLAB_DATA_DIR ?? path.join(dataRoot(), 'datasets'));
}

/** Per-run artifacts: checkpoints, final model, report.json (`<dataRoot>/runs/<id>`). */
export function runsDir(): string {
  return path.resolve(coreEnv().CONVLAB_RUNS_DIR ?? path.join(dataRoot(), 'runs'));
}

export function runDir(runId: string): string {
  if (!isRunId(runId)) throw new Error(`invalid run id: ${runId}`);
  return path.join(runsDir(), runId);
}

/** The read-only assets shipped beside the repository (pretrained weights), or CONVLAB_ASSETS_DIR. */
export function sharedAssetsDir(): string {
  return path.resolve(
    coreEnv().CONVLAB_ASSETS_DIR ?? path.join(findRepoRoot(), '..', 'shared', 'assets'),
  );
}

export { RUN_FOLDER, runArtifactPaths, type RunArtifactPaths } from './run-folder.ts';
export { writeDirAtomically } from './atomic-dir.ts';
