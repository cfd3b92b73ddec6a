/**
 * The migration runner on PostgreSQL (node-postgres, which Prisma's pg adapter uses too). One session
 * holds an advisory lock for the whole run, so daemons on several hosts starting at once apply each
 * migration exactly once; each migration runs in its own transaction with its history row.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  MigrationError,
  migrationPending,
  type MigrationFile,
  type MigrationRecord,
} from './migration-files.ts';

/** Prisma's DDL for its history table on PostgreSQL, as the schema engine creates it. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** pg_advisory_lock key: "convlab migrations" as a 32-bit number (any constant works). */
const LOCK_KEY = 0x636c6d67;

export async function applyPostgresMigrations(
  url: string,
  migrations: MigrationFile[],
): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE_DDL);
    const applied: string[] = [];
    for (const migration of migrations) {
      if (await applyOne(client, migration)) applied.push(migration.name);
    }
    return applied;
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<MigrationRecord>(
      `SELECT checksum, finished_at, logs FROM "_prisma_migrations"
       WHERE migration_name = $1 AND rolled_back_at IS NULL`,
      [migration.name],
    );
    if (!migrationPending(migration, rows)) {
      await client.query('COMMIT');
      return false;
    }
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    try {
      // No parameters: the simple query protocol runs the whole multi-statement script.
      await client.query(migration.sql);
    } catch (error) {
      throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
