/**
 * `npm run db:check`: fails (exit 1) with a readable diff when a provider's committed migrations,
 * applied to a fresh database, do not produce what schema.prisma describes — i.e. someone changed the
 * schema and forgot `npm run db:new -- <name>`. Also applies the migrations with convlab's own runner
 * and asks Prisma's schema engine to diagnose the resulting history, so `prisma migrate deploy` on a
 * machine with the engine binary would consider them applied. Checks SQLite (prisma/migrations) and
 * PostgreSQL (prisma/migrations-postgresql, on CONVLAB_TEST_POSTGRES_URL or a throwaway server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyMigrations } from '../src/migrations.ts';
import {
  MIGRATIONS_DIR,
  NO_FILTER,
  POSTGRES_MIGRATIONS_DIR,
  SCHEMA_PATH,
  migrationsDiffSource,
  openOfflineEngine,
  providerSchemaFiles,
  readMigrationList,
  type EngineTarget,
  type Provider,
} from './schema-engine.ts';
import { provideTestPostgres } from './throwaway-postgres.mjs';

// --schema / --migrations point the check elsewhere (used by the tests; SQLite only then).
const { values: args } = parseArgs({
  options: {
    schema: { type: 'string' },
    migrations: { type: 'string' },
  },
});
const schemaPath = path.resolve(args.schema ?? SCHEMA_PATH);
const overridden = args.schema !== undefined || args.migrations !== undefined;
const providers: Provider[] = overridden ? ['sqlite'] : ['sqlite', 'postgresql'];
const migrationsDirs: Record<Provider, string> = {
  sqlite: path.resolve(args.migrations ?? MIGRATIONS_DIR),
  postgresql: POSTGRES_MIGRATIONS_DIR,
};

async function schemaDrift(provider: Provider, target: EngineTarget): Promise<string | null> {
  const { engine, close } = await openOfflineEngine(target);
  try {
    const diff = await engine.diff({
      from: migrationsDiffSource(readMigrationList(migrationsDirs[provider])),
      to: { tag: 'schemaDatamodel', files: providerSchemaFiles(provider, schemaPath) },
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
async function historyProblems(provider: Provider, serverUrl: string | null): Promise<string[]> {
  const migrationsDir = migrationsDirs[provider];
  const fresh = await freshDatabase(provider, serverUrl);
  try {
    await applyMigrations(fresh.url, { migrationsDir });
    const { engine, close } = await openOfflineEngine(fresh.target);
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
    await fresh.drop();
  }
}

/** An empty database of the provider: a temp SQLite file, or a new database on the server. */
async function freshDatabase(provider: Provider, serverUrl: string | null) {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'convlab-db-check-'));
    const databasePath = path.join(dir, 'check.db');
    return {
      url: `file:${databasePath}`,
      target: { provider, databasePath } satisfies EngineTarget,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (!serverUrl) throw new Error('no PostgreSQL server');
  const name = `convlab_check_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    target: { provider, url: url.toString() } satisfies EngineTarget,
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

async function checkProvider(provider: Provider, serverUrl: string | null): Promise<boolean> {
  const target: EngineTarget =
    provider === 'sqlite' ? { provider } : { provider, url: serverUrl ?? '' };
  const drift = await schemaDrift(provider, target);
  if (drift) {
    console.error(
      `The ${provider} migrations do not match prisma/schema.prisma. Applied to a fresh database,`,
    );
    console.error('they differ from the schema as follows (from migrations → to schema):\n');
    console.error(drift.trimEnd().replace(/^/gm, '  '));
    console.error('\nCreate a migration for the change: npm run db:new -- <name>');
    return false;
  }
  const problems = await historyProblems(provider, serverUrl);
  if (problems.length > 0) {
    console.error(`convlab's migration runner wrote a ${provider} history Prisma does not accept:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    return false;
  }
  const count = readMigrationList(migrationsDirs[provider]).migrationDirectories.length;
  console.log(
    `db:check: ${count} ${provider} migration(s) match prisma/schema.prisma; Prisma accepts the runner's history.`,
  );
  return true;
}

async function main(): Promise<number> {
  const server = providers.includes('postgresql') ? await provideTestPostgres() : null;
  try {
    for (const provider of providers) {
      if (!(await checkProvider(provider, server?.url ?? null))) return 1;
    }
    return 0;
  } finally {
    server?.stop();
  }
}

process.exitCode = await main();
