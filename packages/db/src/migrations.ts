/**
 * The migration runner used at start-up and by `convlab migrate`. It applies
 * packages/db/prisma/migrations/<name>/migration.sql in name order with better-sqlite3 and keeps
 * Prisma's own `_prisma_migrations` table (same DDL, same columns, checksum = SHA-256 hex of the
 * file), so `prisma migrate deploy`/`status` on a machine with the schema-engine binary see the same
 * history. No engine binary is needed at run time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './client.ts';
import { resolveDatabaseUrl, sqliteFilePath } from './database-url.ts';
import { toSqliteTime } from './sqlite-time.ts';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'prisma',
  'migrations',
);

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

export interface MigrationFile {
  /** The folder name, e.g. 20261129040320_init. */
  name: string;
  sql: string;
  /** SHA-256 hex of migration.sql's bytes, as Prisma computes it. */
  checksum: string;
}

interface MigrationRecord {
  checksum: string;
  finished_at: string | null;
  logs: string | null;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function migrationChecksum(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The migrations on disk, oldest first. */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  if (!existsSync(dir)) throw new MigrationError(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')),
    )
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: migrationChecksum(bytes) };
    });
}

export interface ApplyMigrationsOptions {
  /** Defaults to packages/db/prisma/migrations. */
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
    db.pragma('journal_mode = WAL');
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
    const failed = records.find((record) => record.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `migration ${migration.name} is recorded as failed in _prisma_migrations` +
          (failed.logs ? ` (${failed.logs.split('\n')[0]})` : '') +
          '; fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back).',
      );
    }
    const done = records.find((record) => record.finished_at !== null);
    if (done) {
      if (done.checksum !== migration.checksum) {
        throw new MigrationError(
          `migration ${migration.name} was edited after it was applied (checksum ${done.checksum.slice(0, 12)}… ` +
            `recorded, ${migration.checksum.slice(0, 12)}… on disk); restore the file and put changes in a new migration.`,
        );
      }
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
