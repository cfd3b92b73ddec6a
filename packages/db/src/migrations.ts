/**
 * The migration runner used at start-up and by `convlab migrate`. On SQLite it applies
 * packages/db/prisma/migrations/<name>/migration.sql in name order with better-sqlite3 (PostgreSQL:
 * prisma/migrations-postgresql with node-postgres, see migrations-postgresql.ts) and keeps
 * Prisma's own `_prisma_migrations` table (same DDL, same columns, checksum = SHA-256 hex of the
 * file), so `prisma migrate deploy`/`status` on a machine with the schema-engine binary see the same
 * history. No engine binary is needed at run time.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './client.ts';
import { isPostgresUrl, resolveDatabaseUrl, sqliteFilePath } from './database-url.ts';
import {
  MigrationError,
  migrationPending,
  POSTGRES_MIGRATIONS_DIR,
  readMigrations,
  type MigrationFile,
  type MigrationRecord,
} from './migration-files.ts';
import { applyPostgresMigrations } from './migrations-postgresql.ts';
import { toSqliteTime } from './sqlite-time.ts';

export {
  MIGRATIONS_DIR,
  MigrationError,
  migrationChecksum,
  POSTGRES_MIGRATIONS_DIR,
  readMigrations,
  type MigrationFile,
} from './migration-files.ts';

/** Prisma's DDL for its history table on SQLite, as the schema engine creates it. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export interface ApplyMigrationsOptions {
  /** Defaults to the provider's folder: prisma/migrations or prisma/migrations-postgresql. */
  migrationsDir?: string;
}

/**
 * Brings the database at `url` (default: resolveDatabaseUrl()) up to date and returns the names of
 * the migrations it applied (empty when there was nothing to do).
 *
 * Each migration runs in its own `BEGIN IMMEDIATE` transaction together with its history row, so a
 * migration is either applied and recorded or not at all, and a second process starting at the same
 * time waits for the lock, then finds the migration recorded and skips it. Refuses to continue when a
 * migration file was edited after it was applied, or when the history records a failed migration.
 */
export function applyMigrations(
  url?: string,
  options: ApplyMigrationsOptions = {},
): Promise<string[]> {
  const resolved = resolveDatabaseUrl(url);
  if (isPostgresUrl(resolved))
    return applyPostgresMigrations(
      resolved,
      readMigrations(options.migrationsDir ?? POSTGRES_MIGRATIONS_DIR),
    );
  // better-sqlite3 is synchronous; the Promise keeps the signature open for an async driver.
  try {
    return Promise.resolve(applyMigrationsNow(url, options));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function applyMigrationsNow(url: string | undefined, options: ApplyMigrationsOptions): string[] {
  const migrations = readMigrations(options.migrationsDir);
  const db = new Database(sqliteFilePath(resolveDatabaseUrl(url)), { timeout: BUSY_TIMEOUT_MS });
  try {
    enableWal(db);
    // better-sqlite3 enables foreign keys by default; Prisma's SQLite migrations redefine tables
    // (create new, copy, drop old), and with foreign keys on, dropping a parent table would
    // cascade-delete its children's rows. Integrity is checked explicitly before each commit.
    db.pragma('foreign_keys = OFF');
    db.exec(MIGRATIONS_TABLE_DDL);
    const applied: string[] = [];
    for (const migration of migrations) {
      if (applyOne(db, migration)) applied.push(migration.name);
    }
    return applied;
  } finally {
    db.close();
  }
}

/**
 * Switches the file to WAL. On a new file that takes an exclusive lock, for which SQLite does not call
 * the busy handler: when two processes start at once, the loser retries until the busy timeout.
 */
function enableWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Applies one migration unless it is already recorded; returns whether it ran. */
function applyOne(db: Database.Database, migration: MigrationFile): boolean {
  db.exec('BEGIN IMMEDIATE');
  try {
    const records = db
      .prepare<[string], MigrationRecord>(
        `SELECT checksum, finished_at, logs FROM "_prisma_migrations"
         WHERE migration_name = ? AND rolled_back_at IS NULL`,
      )
      .all(migration.name);
    if (!migrationPending(migration, records)) {
      db.exec('COMMIT');
      return false;
    }

    const id = randomUUID();
    db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES (?, ?, ?, ?, 0)`,
    ).run(id, migration.checksum, migration.name, toSqliteTime(new Date()));
    try {
      db.exec(migration.sql);
    } catch (error) {
      throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
    const violations = db.prepare('PRAGMA foreign_key_check').all() as { table: string }[];
    if (violations.length > 0) {
      const tables = [...new Set(violations.map((v) => v.table))].join(', ');
      throw new MigrationError(
        `migration ${migration.name} leaves ${violations.length} foreign key violation(s) in ${tables}`,
      );
    }
    db.prepare(
      `UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`,
    ).run(toSqliteTime(new Date()), id);
    db.exec('COMMIT');
    return true;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
