/**
 * `npm run db:check`: fails (exit 1) with a readable diff when the committed migrations, applied to a
 * fresh database, do not produce what schema.prisma describes — i.e. someone changed the schema and
 * forgot `npm run db:new -- <name>`. Also applies the migrations with convlab's own runner and asks
 * Prisma's schema engine to diagnose the resulting history, so `prisma migrate deploy` on a machine
 * with the engine binary would consider them applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { applyMigrations } from '../src/migrations.ts';
import {
  MIGRATIONS_DIR,
  NO_FILTER,
  SCHEMA_PATH,
  migrationsDiffSource,
  openOfflineEngine,
  readMigrationList,
  readSchemaFiles,
} from './schema-engine.ts';

// --schema / --migrations point the check elsewhere (used by the tests).
const { values: args } = parseArgs({
  options: {
    schema: { type: 'string', default: SCHEMA_PATH },
    migrations: { type: 'string', default: MIGRATIONS_DIR },
  },
});
const schemaPath = path.resolve(args.schema);
const migrationsDir = path.resolve(args.migrations);

async function schemaDrift(): Promise<string | null> {
  const { engine, close } = await openOfflineEngine();
  try {
    const diff = await engine.diff({
      from: migrationsDiffSource(readMigrationList(migrationsDir)),
      to: { tag: 'schemaDatamodel', files: readSchemaFiles(schemaPath) },
      script: false,
      exitCode: true,
      filters: NO_FILTER,
    });
    return diff.exitCode === 0 ? null : (diff.stdout ?? '(the engine reported a difference)');
  } finally {
    close();
  }
}

/** Problems Prisma would see in a history written by applyMigrations; empty when none. */
async function historyProblems(): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-db-check-'));
  const databasePath = path.join(dir, 'check.db');
  try {
    await applyMigrations(`file:${databasePath}`, { migrationsDir });
    const { engine, close } = await openOfflineEngine(databasePath);
    try {
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList: readMigrationList(migrationsDir),
        optInToShadowDatabase: false,
        filters: NO_FILTER,
      });
      const problems: string[] = [];
      if (!diagnosis.hasMigrationsTable) problems.push('no _prisma_migrations table');
      if (diagnosis.editedMigrationNames.length > 0) {
        problems.push(`checksums differ for ${diagnosis.editedMigrationNames.join(', ')}`);
      }
      if (diagnosis.failedMigrationNames.length > 0) {
        problems.push(`recorded as failed: ${diagnosis.failedMigrationNames.join(', ')}`);
      }
      if (diagnosis.history) problems.push(`history: ${JSON.stringify(diagnosis.history)}`);
      return problems;
    } finally {
      close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const drift = await schemaDrift();
  if (drift) {
    console.error(
      'The migrations do not match prisma/schema.prisma. Applied to a fresh database, they',
    );
    console.error('differ from the schema as follows (from migrations → to schema):\n');
    console.error(drift.trimEnd().replace(/^/gm, '  '));
    console.error('\nCreate a migration for the change: npm run db:new -- <name>');
    return 1;
  }
  const problems = await historyProblems();
  if (problems.length > 0) {
    console.error("convlab's migration runner wrote a history Prisma does not accept:");
    for (const problem of problems) console.error(`  - ${problem}`);
    return 1;
  }
  const count = readMigrationList(migrationsDir).migrationDirectories.length;
  console.log(
    `db:check: ${count} migration(s) match prisma/schema.prisma; Prisma accepts the runner's history.`,
  );
  return 0;
}

process.exitCode = await main();
