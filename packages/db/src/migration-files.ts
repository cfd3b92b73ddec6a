/**
 * The migration files on disk, one folder per provider, and the rules both runners share for Prisma's
 * `_prisma_migrations` history (checksum = SHA-256 hex of migration.sql, as Prisma computes it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PRISMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'prisma');
/** SQLite's migrations. */
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations');
/** PostgreSQL's migrations: the same model, that provider's DDL. */
export const POSTGRES_MIGRATIONS_DIR = path.join(PRISMA_DIR, 'migrations-postgresql');

export interface MigrationFile {
  /** The folder name, e.g. 20261129040320_init. */
  name: string;
  sql: string;
  /** SHA-256 hex of migration.sql's bytes, as Prisma computes it. */
  checksum: string;
}

export interface MigrationRecord {
  checksum: string;
  finished_at: string | Date | null;
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

/**
 * Whether `migration` still has to run, from its rows in _prisma_migrations. Throws when the history
 * records it as failed, or when the file was edited after it was applied.
 */
export function migrationPending(migration: MigrationFile, records: MigrationRecord[]): boolean {
  const failed = records.find((record) => record.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${migration.name} is recorded as failed in _prisma_migrations` +
        (failed.logs ? ` (${failed.logs.split('\n')[0]})` : '') +
        '; fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back).',
    );
  }
  const done = records.find((record) => record.finished_at !== null);
  if (!done) return true;
  if (done.checksum !== migration.checksum) {
    throw new MigrationError(
      `migration ${migration.name} was edited after it was applied (checksum ${done.checksum.slice(0, 12)}… ` +
        `recorded, ${migration.checksum.slice(0, 12)}… on disk); restore the file and put changes in a new migration.`,
    );
  }
  return false;
}
