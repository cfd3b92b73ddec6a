/**
 * The Prisma client. On SQLite (the embedded default, `file:` URLs) it is better-sqlite3 through
 * Prisma's driver adapter: every connection runs in WAL mode, so readers (the web app) never block the
 * writer (the trainer), with a busy timeout so concurrent writers from other processes wait instead of
 * failing with SQLITE_BUSY. On PostgreSQL (`postgresql://` URLs: several trainer hosts on one queue)
 * it is node-postgres through Prisma's pg adapter and the client generated for that provider.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import {
  databaseProvider,
  resolveDatabaseUrl,
  sqliteFilePath,
  type DatabaseProvider,
} from './database-url.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { PrismaClient as PostgresPrismaClient } from './generated/prisma-postgresql/client.ts';

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
  /**
   * A `file:` or `postgresql://` URL; defaults to resolveDatabaseUrl() (env DATABASE_URL or
   * <repo root>/data/convlab.db).
   */
  url?: string;
}

const providers = new WeakMap<PrismaClient, DatabaseProvider>();

/** A PrismaClient for convlab's database. Call `$disconnect()` when done. */
export function createDb(options: CreateDbOptions = {}): PrismaClient {
  const url = resolveDatabaseUrl(options.url);
  if (databaseProvider(url) === 'postgresql') {
    // Both clients are generated from the one model, so their model APIs are the same; the SQLite
    // client's type stands for both.
    const client = new PostgresPrismaClient({
      adapter: new PrismaPg({ connectionString: url }),
    }) as unknown as PrismaClient;
    providers.set(client, 'postgresql');
    return client;
  }
  const factory = new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: BUSY_TIMEOUT_MS });
  const client = new PrismaClient({ adapter: new WalSqliteAdapterFactory(factory) });
  providers.set(client, 'sqlite');
  return client;
}

/** Which database a client of createDb talks to (where their SQL differs, e.g. claiming). */
export function providerOf(db: PrismaClient): DatabaseProvider {
  return providers.get(db) ?? 'sqlite';
}
