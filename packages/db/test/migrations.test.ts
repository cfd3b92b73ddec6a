import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  createDb,
  enqueueRun,
  MigrationError,
  MIGRATIONS_DIR,
  readMigrations,
  recordEpochMetric,
} from '../src/index.ts';
import {
  createWorker,
  FIXTURES_DIR,
  lastJsonLine,
  PACKAGE_DIR,
  runTogether,
  runTsProcess,
} from './helpers.ts';

let dir: string;
let url: string;
let migrationsDir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'convlab-migrations-test-'));
  url = `file:${path.join(dir, 'test.db')}`;
  // A private copy of the migrations, so tests can add and edit migrations.
  migrationsDir = path.join(dir, 'migrations');
  cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function openRaw(): Database.Database {
  return new Database(url.slice('file:'.length));
}

function addMigration(name: string, sql: string): void {
  mkdirSync(path.join(migrationsDir, name));
  writeFileSync(path.join(migrationsDir, name, 'migration.sql'), sql);
}

describe('applyMigrations', () => {
  it('applies every migration once, records them as Prisma does, and is a no-op the second time', async () => {
    const names = readMigrations(migrationsDir).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(await applyMigrations(url, { migrationsDir })).toEqual(names);

    const db = createDb({ url });
    const run = await enqueueRun(db, { config: { preset: 'tiny-cnn' } });
    await db.$disconnect();

    expect(await applyMigrations(url, { migrationsDir })).toEqual([]);
    const raw = openRaw();
    try {
      expect(raw.prepare('SELECT id FROM "Run"').all()).toEqual([{ id: run.id }]);
      const history = raw
        .prepare('SELECT * FROM "_prisma_migrations" ORDER BY migration_name')
        .all();
      expect(history).toHaveLength(names.length);
      const init = readMigrations(migrationsDir)[0];
      expect(history[0]).toMatchObject({
        migration_name: init?.name,
        checksum: init?.checksum,
        applied_steps_count: 1,
        rolled_back_at: null,
        logs: null,
      });
      const columns = (
        raw.prepare('PRAGMA table_info("_prisma_migrations")').all() as { name: string }[]
      ).map((c) => c.name);
      expect(columns).toEqual([
        'id',
        'checksum',
        'finished_at',
        'migration_name',
        'logs',
        'rolled_back_at',
        'started_at',
        'applied_steps_count',
      ]);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('checksums are the SHA-256 of migration.sql', () => {
    const [init] = readMigrations(migrationsDir);
    expect(init?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a migration edited after it was applied', async () => {
    await applyMigrations(url, { migrationsDir });
    const [init] = readMigrations(migrationsDir);
    appendFileSync(path.join(migrationsDir, init?.name ?? '', 'migration.sql'), '\n-- edited\n');
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(
      /was edited after it was applied/,
    );
  });

  it('refuses to continue past a migration recorded as failed', async () => {
    await applyMigrations(url, { migrationsDir });
    addMigration('29990101000000_broken', 'CREATE TABLE "Extra" ("id" INTEGER);');
    const raw = openRaw();
    raw
      .prepare(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
         VALUES ('x', 'abc', '29990101000000_broken', 'boom', '2026-01-01T00:00:00.000+00:00', 0)`,
      )
      .run();
    raw.close();
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(MigrationError);
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(/recorded as failed/);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    await applyMigrations(url, { migrationsDir });
    addMigration('29990101000000_bad', 'CREATE TABLE "Half" ("id" INTEGER);\nTHIS IS NOT SQL;');
    await expect(applyMigrations(url, { migrationsDir })).rejects.toThrow(
      /29990101000000_bad failed/,
    );
    const raw = openRaw();
    try {
      expect(raw.prepare(`SELECT name FROM sqlite_master WHERE name = 'Half'`).all()).toEqual([]);
      expect(
        raw.prepare(`SELECT * FROM "_prisma_migrations" WHERE migration_name LIKE '%bad'`).all(),
      ).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('keeps child rows when a migration redefines a parent table (the way Prisma rewrites SQLite tables)', async () => {
    await applyMigrations(url, { migrationsDir });
    const db = createDb({ url });
    const run = await enqueueRun(db, { config: { preset: 'tiny-cnn' } });
    await recordEpochMetric(db, run.id, {
      epoch: 1,
      loss: 1,
      acc: 0.5,
      valLoss: 1,
      valAcc: 0.5,
      lr: 0.001,
      seconds: 1,
    });
    await db.$disconnect();
    // What `prisma migrate dev` writes to change a column on SQLite: copy into a new table, drop, rename.
    // The new table is the Run table as the migrations so far define it.
    const schemaDb = openRaw();
    const createRun = (
      schemaDb
        .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'Run'`)
        .get() as {
        sql: string;
      }
    ).sql.replace('CREATE TABLE "Run"', 'CREATE TABLE "new_Run"');
    schemaDb.close();
    addMigration(
      '29990101000000_redefine_run',
      `PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n${createRun};\n` +
        `INSERT INTO "new_Run" SELECT * FROM "Run";\nDROP TABLE "Run";\nALTER TABLE "new_Run" RENAME TO "Run";\n` +
        `CREATE INDEX "Run_status_priority_createdAt_idx" ON "Run"("status", "priority", "createdAt");\n` +
        `CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");\nCREATE INDEX "Run_groupId_idx" ON "Run"("groupId");\n` +
        `PRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n`,
    );
    expect(await applyMigrations(url, { migrationsDir })).toEqual(['29990101000000_redefine_run']);
    const raw = openRaw();
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM "EpochMetric"').get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
  });

  it('two processes migrating a fresh database at once both succeed and apply each migration once', async () => {
    const script = path.join(FIXTURES_DIR, 'migrate.ts');
    const results = await runTogether(path.join(dir, 'go'), [
      { script, args: [url] },
      { script, args: [url] },
    ]);
    const applied = results.map((result) => lastJsonLine<string[]>(result));
    const names = readMigrations().map((m) => m.name);
    expect(applied.flat().sort()).toEqual(names.sort());
    const raw = openRaw();
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM "_prisma_migrations"').get()).toEqual({
        n: names.length,
      });
    } finally {
      raw.close();
    }
    const db = createDb({ url });
    await createWorker(db);
    await db.$disconnect();
  });
});

describe('npm run db:check', () => {
  it('passes for the committed migrations', async () => {
    const result = await runTsProcess(path.join(PACKAGE_DIR, 'scripts', 'check-migrations.ts'), []);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/match prisma\/schema\.prisma/);
  });

  it('fails with a readable diff for an unmigrated schema change; db:new writes the migration', async () => {
    const schemaPath = path.join(dir, 'schema.prisma');
    const schema = readFileSync(path.join(PACKAGE_DIR, 'prisma', 'schema.prisma'), 'utf8');
    writeFileSync(
      schemaPath,
      schema.replace(
        '  priority        Int       @default(0)',
        '  priority        Int       @default(0)\n  notes           String?',
      ),
    );
    const flags = ['--schema', schemaPath, '--migrations', migrationsDir];
    const check = path.join(PACKAGE_DIR, 'scripts', 'check-migrations.ts');
    const drift = await runTsProcess(check, flags);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(/do not match/);
    expect(drift.stderr).toMatch(/Added column `notes`/);
    expect(drift.stderr).toMatch(/npm run db:new/);

    const created = await runTsProcess(path.join(PACKAGE_DIR, 'scripts', 'new-migration.ts'), [
      'add_notes',
      ...flags,
    ]);
    expect(created.code).toBe(0);
    const added = readMigrations(migrationsDir).at(-1);
    expect(added?.name).toMatch(/^\d{14}_add_notes$/);
    expect(added?.sql).toMatch(/ALTER TABLE "Run" ADD COLUMN "notes" TEXT/);
    expect((await runTsProcess(check, flags)).code).toBe(0);
    const again = await runTsProcess(path.join(PACKAGE_DIR, 'scripts', 'new-migration.ts'), [
      'again',
      ...flags,
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing to write/);
  });
});
