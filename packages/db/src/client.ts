/**
 * The Prisma client over SQLite (better-sqlite3 through Prisma's driver adapter). Every connection
 * runs in WAL mode, so readers (the web app) never block the writer (the trainer), with a busy
 * timeout so concurrent writers from other processes wait instead of failing with SQLITE_BUSY.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { resolveDatabaseUrl, sqliteFilePath } from './database-url.ts';
import { PrismaClient } from './generated/prisma/client.ts';

/** How long a statement waits for another process's write lock before failing. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Per-connection settings. WAL persists in the file, but is set on every connection so a database
 * created by any tool ends up in WAL. synchronous=NORMAL is safe in WAL mode (a crash can lose the
 * last commits, never corrupt the file) and avoids an fsync per metric write.
 */
export const CONNECTION_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA foreign_keys = ON',
];

/** Wraps the better-sqlite3 adapter factory to apply CONNECTION_PRAGMAS to each new connection. */
class WalSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName: string;

  constructor(private readonly inner: PrismaBetterSqlite3) {
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    await adapter.executeScript(CONNECTION_PRAGMAS.map((pragma) => `${pragma};`).join('\n'));
    return adapter;
  }
}

export interface CreateDbOptions {
  /** A `file:` URL; defaults to resolveDatabaseUrl() (env DATABASE_URL or <repo root>/data/convlab.db). */
  url?: string;
}

/** A PrismaClient for convlab's SQLite database. Call `$disconnect()` when done. */
export function createDb(options: CreateDbOptions = {}): PrismaClient {
  const filePath = sqliteFilePath(resolveDatabaseUrl(options.url));
  const factory = new PrismaBetterSqlite3({ url: filePath, timeout: BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter: new WalSqliteAdapterFactory(factory) });
}
