/**
 * Where a run's files live: its checkpoint (`checkpoint/…`, the last finished epoch), the trained
 * model (`model/…`) and `report.json`. Two stores behind one interface:
 * - `folder`: the run folders under CONVLAB_RUNS_DIR themselves (SQLite's default: one host);
 * - `database`: rows of the Artifact table (PostgreSQL's default), so every host sees every run's
 *   files: a run killed on one host resumes from its checkpoint on another, and any dashboard serves
 *   its model and report.
 * The trainer always trains in this host's run folder and the callers never ask which store they have:
 * `push`, `pull` and `discard` copy or drop the local files where the store needs it (the database
 * store copies each checkpoint and the final outputs in, atomically, and a checkpoint out before
 * resuming; for the folder store the run folder is the store, so there is nothing to copy).
 */
import { createReadStream } from 'node:fs';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { runDir, writeDirAtomically } from '@convlab/core/paths';
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

/** A file to download: its size and its bytes as a stream. */
export interface ArtifactDownload {
  size: number;
  body: ReadableStream<Uint8Array>;
}

/** A folder on this host holding some of a run's files; release it once done with it. */
export interface LocalArtifactFolder {
  /** The folder the store paths are relative to (holds e.g. `model/`). */
  dir: string;
  release(): Promise<void>;
}

export interface ArtifactStore {
  /** For diagnostics and tests only: callers use the operations below, never branch on it. */
  readonly kind: ArtifactStoreKind;
  /** The run's files under `prefix` (e.g. `model/`; '' = all), by path. */
  list(runId: string, prefix?: string): Promise<ArtifactEntry[]>;
  /** A file's bytes, or null when there is none (never through a symlink). */
  read(runId: string, filePath: string): Promise<Uint8Array | null>;
  /** Every file under `prefix` with its bytes, read at once (one statement in the database). */
  readAll(runId: string, prefix: string): Promise<ArtifactFile[]>;
  /** Replaces every file under `prefix` with `files`, all or nothing. */
  replace(runId: string, prefix: string, files: ArtifactFile[]): Promise<void>;
  /** Removes the run's files under `prefix` ('' = all of them) from the store. */
  remove(runId: string, prefix?: string): Promise<void>;
  /**
   * Copies a file or folder (`model/`, `checkpoint/`, `report.json`, …) of this host's run folder,
   * where the trainer wrote it, into the store, replacing what it held there.
   */
  push(runId: string, prefix: string): Promise<void>;
  /**
   * Makes the store's folder `prefix` (e.g. `checkpoint/`) this host's before resuming: the local one
   * is replaced by the stored files, or removed when none are stored (it would be an older
   * attempt's). Returns how many files came from the store.
   */
  pull(runId: string, prefix: string): Promise<number>;
  /** Removes the run's files under `prefix` ('' = all) from the store and from this host's run folder. */
  discard(runId: string, prefix?: string): Promise<void>;
  /** A stored file as a download (never through a symlink), or null when there is none. */
  open(runId: string, filePath: string): Promise<ArtifactDownload | null>;
  /** A folder on this host that holds the run's folder `prefix` (e.g. `model/`), to read as files. */
  localFolder(runId: string, prefix: string): Promise<LocalArtifactFolder>;
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
  // This host's run folder, where the trainer writes and reads: what push copies in and pull out.
  const local = folderStore();
  const store: ArtifactStore = {
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
    async push(runId, prefix) {
      await store.replace(runId, prefix, await readRunFolder(runId, prefix));
    },
    async pull(runId, prefix) {
      await refuseLinkedRunDir(runId);
      const dir = path.join(runDir(runId), ...folderSegments(prefix));
      const count = await writeArtifactsToFolder(store, runId, prefix, dir);
      if (count === 0) await rm(dir, { recursive: true, force: true });
      return count;
    },
    async discard(runId, prefix = '') {
      await local.remove(runId, prefix);
      await store.remove(runId, prefix);
    },
    async open(runId, filePath) {
      const bytes = await store.read(runId, filePath);
      return bytes && { size: bytes.byteLength, body: webStream(Readable.from([bytes])) };
    },
    async localFolder(runId, prefix) {
      // A scratch copy: the files are rows, and whatever reads them as files may take its time.
      const dir = await mkdtemp(path.join(tmpdir(), 'convlab-artifacts-'));
      const release = () => rm(dir, { recursive: true, force: true });
      try {
        await writeArtifactsToFolder(
          store,
          runId,
          prefix,
          path.join(dir, ...folderSegments(prefix)),
        );
      } catch (error) {
        await release();
        throw error;
      }
      return { dir, release };
    },
  };
  return store;
}

/** `model/` → ['model']: a folder prefix as path segments (validated). */
function folderSegments(prefix: string): string[] {
  if (!prefix.endsWith('/')) throw new Error(`${prefix} is not a folder (no trailing /)`);
  assertArtifactPath(prefix.slice(0, -1));
  return prefix.slice(0, -1).split('/');
}

/**
 * A file (`report.json`) or folder (`model/`) of this host's run folder as artifacts, to copy into
 * the store: never through a link, and never from a run folder that is itself a link.
 */
async function readRunFolder(runId: string, prefix: string): Promise<ArtifactFile[]> {
  await refuseLinkedRunDir(runId);
  if (prefix.endsWith('/'))
    return readFolderAsArtifacts(path.join(runDir(runId), ...folderSegments(prefix)), prefix);
  const found = await runFolderFile(runId, prefix);
  if (!found) throw new Error(`run ${runId} has no file ${prefix} to store`);
  return [{ path: prefix, bytes: await readFile(found.file) }];
}

function webStream(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

/**
 * A run's folder under CONVLAB_RUNS_DIR when it is a real folder; null when it is missing or is itself
 * a link (which would make wherever it points readable as the run's files).
 */
async function ownRunDir(runId: string): Promise<string | null> {
  const dir = runDir(runId);
  const info = await lstat(dir).catch(() => null);
  return info?.isDirectory() ? dir : null;
}

/** Writing into a run folder that is a link would write wherever it points: refused. */
async function refuseLinkedRunDir(runId: string): Promise<void> {
  const info = await lstat(runDir(runId)).catch(() => null);
  if (info && !info.isDirectory())
    throw new Error(
      `the run folder of ${runId} is not a folder (a link?); refusing to write into it`,
    );
}

/**
 * A run's file in its folder under CONVLAB_RUNS_DIR, as a plain file that resolves inside that folder
 * (never through a link a run folder might hold, nor a run folder that is a link); null when it is
 * missing or not such a file.
 */
export async function runFolderFile(
  runId: string,
  filePath: string,
): Promise<{ file: string; size: number } | null> {
  assertArtifactPath(filePath);
  if ((await ownRunDir(runId)) === null) return null;
  const file = path.join(runDir(runId), ...filePath.split('/'));
  try {
    const info = await lstat(file);
    if (!info.isFile()) return null;
    const [real, root] = await Promise.all([realpath(file), realpath(runDir(runId))]);
    return real.startsWith(root + path.sep) ? { file: real, size: info.size } : null;
  } catch {
    return null;
  }
}

function folderStore(): ArtifactStore {
  const store: ArtifactStore = {
    kind: 'folder',
    async list(runId, prefix = '') {
      const entries: ArtifactEntry[] = [];
      // A run without a folder (or an unreadable one, or a link) has no files here.
      const dir = await ownRunDir(runId);
      const files = dir === null ? [] : await filesBelow(dir, '').catch(() => []);
      for (const { path: filePath, file } of files) {
        if (filePath.startsWith(prefix))
          entries.push({ path: filePath, size: (await lstat(file)).size });
      }
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(runId, filePath) {
      const found = await runFolderFile(runId, filePath);
      return found ? new Uint8Array(await readFile(found.file)) : null;
    },
    async readAll(runId, prefix) {
      const files: ArtifactFile[] = [];
      for (const entry of await store.list(runId, prefix)) {
        const bytes = await store.read(runId, entry.path);
        if (bytes) files.push({ path: entry.path, bytes });
      }
      return files;
    },
    async replace(runId, prefix, files) {
      if (!prefix.endsWith('/')) throw new Error('the folder store replaces whole folders');
      await refuseLinkedRunDir(runId);
      const target = path.join(runDir(runId), ...prefix.slice(0, -1).split('/'));
      await writeFilesAsFolder(target, prefix, files);
    },
    async remove(runId, prefix = '') {
      // A run folder that is a link: the link goes, never anything where it points.
      if (prefix === '') return rm(runDir(runId), { recursive: true, force: true });
      if ((await ownRunDir(runId)) === null) return;
      await rm(path.join(runDir(runId), ...prefix.replace(/\/$/, '').split('/')), {
        recursive: true,
        force: true,
      });
    },
    // The run folder is the store: what the trainer wrote there is stored, and nothing is elsewhere.
    push: () => Promise.resolve(),
    pull: () => Promise.resolve(0),
    discard: (runId, prefix) => store.remove(runId, prefix),
    async open(runId, filePath) {
      const found = await runFolderFile(runId, filePath);
      return found && { size: found.size, body: webStream(createReadStream(found.file)) };
    },
    async localFolder(runId, prefix) {
      folderSegments(prefix);
      const dir = await ownRunDir(runId);
      if (dir === null) throw new Error(`run ${runId} has no run folder (or it is a link)`);
      return { dir, release: () => Promise.resolve() };
    },
  };
  return store;
}

/**
 * The plain files below `dir` (links are not followed), each with its artifact path: `prefix` + its
 * `/`-separated path below `dir`.
 */
async function filesBelow(dir: string, prefix: string): Promise<{ path: string; file: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: { path: string; file: string }[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesBelow(file, `${prefix}${entry.name}/`)));
    else if (entry.isFile()) files.push({ path: `${prefix}${entry.name}`, file });
  }
  return files;
}

/** `files` (all under `prefix`) become the folder `dir`, replacing it as a whole. */
async function writeFilesAsFolder(
  dir: string,
  prefix: string,
  files: ArtifactFile[],
): Promise<void> {
  for (const file of files) {
    assertArtifactPath(file.path);
    if (!file.path.startsWith(prefix)) throw new Error(`${file.path} is not under ${prefix}`);
  }
  await mkdir(path.dirname(dir), { recursive: true });
  await writeDirAtomically(dir, async (tmp) => {
    for (const file of files) {
      const destination = path.join(tmp, ...file.path.slice(prefix.length).split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, file.bytes);
    }
  });
}

/** Every file below `dir` as artifacts under `prefix` (to copy a local folder into a store). */
export async function readFolderAsArtifacts(dir: string, prefix: string): Promise<ArtifactFile[]> {
  const files: ArtifactFile[] = [];
  for (const { path: filePath, file } of await filesBelow(dir, prefix))
    files.push({ path: filePath, bytes: await readFile(file) });
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
  await writeFilesAsFolder(dir, prefix, files);
  return files.length;
}
