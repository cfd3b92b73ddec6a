/**
 * Where a run's files live: its checkpoint (`checkpoint/…`, the last finished epoch), the trained
 * model (`model/…`) and `report.json`. Two stores behind one interface:
 * - `folder`: the run folders under CONVLAB_RUNS_DIR themselves (SQLite's default: one host);
 * - `database`: rows of the Artifact table (PostgreSQL's default), so every host sees every run's
 *   files: a run killed on one host resumes from its checkpoint on another, and any dashboard serves
 *   its model and report.
 * The trainer always trains in a local run folder; with the database store it copies each checkpoint
 * and the final outputs in (atomically), and copies a checkpoint out before resuming.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runDir } from '@convlab/core/paths';
import type { PrismaClient } from './generated/prisma/client.ts';
import { providerOf } from './client.ts';

export type ArtifactStoreKind = 'folder' | 'database';

export interface ArtifactEntry {
  /** `/`-separated, relative to the run's folder. */
  path: string;
  size: number;
}

export interface ArtifactFile {
  path: string;
  bytes: Uint8Array;
}

export interface ArtifactStore {
  readonly kind: ArtifactStoreKind;
  /** The run's files under `prefix` (e.g. `model/`; '' = all), by path. */
  list(runId: string, prefix?: string): Promise<ArtifactEntry[]>;
  /** A file's bytes, or null when there is none (never through a symlink). */
  read(runId: string, filePath: string): Promise<Uint8Array | null>;
  /** Every file under `prefix` with its bytes, read at once (one statement in the database). */
  readAll(runId: string, prefix: string): Promise<ArtifactFile[]>;
  /** Replaces every file under `prefix` with `files`, all or nothing. */
  replace(runId: string, prefix: string, files: ArtifactFile[]): Promise<void>;
  /** Removes the run's files under `prefix` ('' = all of them). */
  remove(runId: string, prefix?: string): Promise<void>;
}

/** The store a client uses by default: the database on PostgreSQL, the run folders on SQLite. */
export function defaultArtifactStoreKind(db: PrismaClient): ArtifactStoreKind {
  return providerOf(db) === 'postgresql' ? 'database' : 'folder';
}

export function createArtifactStore(
  db: PrismaClient,
  kind: ArtifactStoreKind = defaultArtifactStoreKind(db),
): ArtifactStore {
  return kind === 'database' ? databaseStore(db) : folderStore();
}

/** Paths are relative and `/`-separated, with no empty, `.` or `..` segment. */
function assertArtifactPath(filePath: string): void {
  const segments = filePath.split('/');
  if (filePath.length > 1024 || segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new Error(`invalid artifact path: ${filePath}`);
}

function databaseStore(db: PrismaClient): ArtifactStore {
  return {
    kind: 'database',
    async list(runId, prefix = '') {
      return db.artifact.findMany({
        where: { runId, path: { startsWith: prefix } },
        select: { path: true, size: true },
        orderBy: { path: 'asc' },
      });
    },
    async read(runId, filePath) {
      const row = await db.artifact.findUnique({
        where: { runId_path: { runId, path: filePath } },
        select: { bytes: true },
      });
      return row ? new Uint8Array(row.bytes) : null;
    },
    async readAll(runId, prefix) {
      const rows = await db.artifact.findMany({
        where: { runId, path: { startsWith: prefix } },
        select: { path: true, bytes: true },
        orderBy: { path: 'asc' },
      });
      return rows.map((row) => ({ path: row.path, bytes: new Uint8Array(row.bytes) }));
    },
    async replace(runId, prefix, files) {
      for (const file of files) {
        assertArtifactPath(file.path);
        if (!file.path.startsWith(prefix)) throw new Error(`${file.path} is not under ${prefix}`);
      }
      const now = new Date();
      await db.$transaction([
        db.artifact.deleteMany({ where: { runId, path: { startsWith: prefix } } }),
        db.artifact.createMany({
          data: files.map((file) => ({
            runId,
            path: file.path,
            bytes: new Uint8Array(file.bytes),
            size: file.bytes.byteLength,
            updatedAt: now,
          })),
        }),
      ]);
    },
    async remove(runId, prefix = '') {
      await db.artifact.deleteMany({ where: { runId, path: { startsWith: prefix } } });
    },
  };
}

function folderStore(): ArtifactStore {
  /** The file inside the run's folder, or null when it is missing, not plain, or a link escapes. */
  const resolve = async (runId: string, filePath: string): Promise<string | null> => {
    assertArtifactPath(filePath);
    const file = path.join(runDir(runId), ...filePath.split('/'));
    try {
      if (!(await lstat(file)).isFile()) return null;
      const [real, root] = await Promise.all([realpath(file), realpath(runDir(runId))]);
      return real.startsWith(root + path.sep) ? real : null;
    } catch {
      return null;
    }
  };
  return {
    kind: 'folder',
    async list(runId, prefix = '') {
      const entries: ArtifactEntry[] = [];
      const walk = async (dir: string, relative: string): Promise<void> => {
        let names;
        try {
          names = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of names) {
          const child = relative ? `${relative}/${entry.name}` : entry.name;
          if (entry.isDirectory()) await walk(path.join(dir, entry.name), child);
          else if (entry.isFile() && child.startsWith(prefix))
            entries.push({ path: child, size: (await lstat(path.join(dir, entry.name))).size });
        }
      };
      await walk(runDir(runId), '');
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(runId, filePath) {
      const file = await resolve(runId, filePath);
      return file ? new Uint8Array(await readFile(file)) : null;
    },
    async readAll(runId, prefix) {
      const files: ArtifactFile[] = [];
      for (const entry of await this.list(runId, prefix)) {
        const bytes = await this.read(runId, entry.path);
        if (bytes) files.push({ path: entry.path, bytes });
      }
      return files;
    },
    async replace(runId, prefix, files) {
      if (!prefix.endsWith('/')) throw new Error('the folder store replaces whole folders');
      const target = path.join(runDir(runId), ...prefix.slice(0, -1).split('/'));
      const staging = `${target}.tmp-${process.pid}-${Date.now()}`;
      for (const file of files) {
        assertArtifactPath(file.path);
        if (!file.path.startsWith(prefix)) throw new Error(`${file.path} is not under ${prefix}`);
        const destination = path.join(staging, ...file.path.slice(prefix.length).split('/'));
        await mkdir(path.dirname(destination), { recursive: true });
        await writeFile(destination, file.bytes);
      }
      await mkdir(staging, { recursive: true });
      // Old folder aside, new one in, old one gone: a crash in between leaves one of the two.
      const previous = `${target}.old-${process.pid}-${Date.now()}`;
      await rename(target, previous).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(staging, target);
      await rm(previous, { recursive: true, force: true });
    },
    async remove(runId, prefix = '') {
      if (prefix === '') return rm(runDir(runId), { recursive: true, force: true });
      await rm(path.join(runDir(runId), ...prefix.replace(/\/$/, '').split('/')), {
        recursive: true,
        force: true,
      });
    },
  };
}

/** Every file below `dir` as artifacts under `prefix` (to copy a local folder into a store). */
export async function readFolderAsArtifacts(dir: string, prefix: string): Promise<ArtifactFile[]> {
  const files: ArtifactFile[] = [];
  const walk = async (current: string, relative: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const child = `${relative}${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(current, entry.name), `${child}/`);
      else if (entry.isFile())
        files.push({ path: child, bytes: await readFile(path.join(current, entry.name)) });
    }
  };
  await walk(dir, prefix);
  return files;
}

/** Writes a store's files under `prefix` into `dir` (replacing it), e.g. a checkpoint before resuming. */
export async function writeArtifactsToFolder(
  store: ArtifactStore,
  runId: string,
  prefix: string,
  dir: string,
): Promise<number> {
  const files = await store.readAll(runId, prefix);
  if (files.length === 0) return 0;
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(staging, { recursive: true, force: true });
  for (const file of files) {
    assertArtifactPath(file.path);
    const destination = path.join(staging, ...file.path.slice(prefix.length).split('/'));
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, file.bytes);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await rename(staging, dir);
  return files.length;
}
