/**
 * Drives Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned to the
 * engine build of Prisma 7.10.0) so migrations can be generated and checked offline: the native
 * schema-engine binary cannot be downloaded here. On SQLite the engine talks through the
 * better-sqlite3 driver adapter and its shadow database is in memory; on PostgreSQL through the pg
 * adapter, with a shadow database it creates (and drops) on the given server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { POSTGRES_SCHEMA_PATH, postgresSchemaText } from './provider-schemas.mjs';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import type {
  DiffTarget,
  MigrationList,
  SchemaContainer,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = path.join(PACKAGE_DIR, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(PACKAGE_DIR, 'prisma', 'migrations');
export const POSTGRES_MIGRATIONS_DIR = path.join(PACKAGE_DIR, 'prisma', 'migrations-postgresql');

export type Provider = 'sqlite' | 'postgresql';
export const PROVIDERS: Provider[] = ['sqlite', 'postgresql'];

/** Where the engine works: a SQLite file (default: a scratch one), or a PostgreSQL server. */
export type EngineTarget =
  { provider: 'sqlite'; databasePath?: string } | { provider: 'postgresql'; url: string };
export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

interface WasmBindgenRuntime {
  __wbg_set_wasm(exports: Record<string, unknown>): void;
  SchemaEngine: typeof SchemaEngine;
}

/** The slice of the WebAssembly global used here (the project's lib settings omit its types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, unknown>,
  ) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let engineClass: Promise<typeof SchemaEngine> | undefined;

/** Instantiates the wasm module once (wasm-bindgen keeps global state; a second instance breaks it). */
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    // The engine reports panics through this global (Prisma's CLI installs the same hook).
    const registry = {
      message: '',
      set_message(message: string) {
        this.message = message;
      },
    };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = registry;
    const runtime =
      (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as WasmBindgenRuntime;
    const require = createRequire(import.meta.url);
    const wasmPath = path.join(
      path.dirname(require.resolve('@prisma/schema-engine-wasm')),
      'schema_engine_bg.wasm',
    );
    const module = new wasm.Module(await readFile(wasmPath));
    const instance = new wasm.Instance(module, { './schema_engine_bg.js': runtime });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return runtime.SchemaEngine;
  })();
  return engineClass;
}

export interface OfflineEngine {
  engine: SchemaEngine;
  /** Frees the engine and deletes its scratch database. */
  close: () => void;
}

/**
 * An engine connected to the target. On SQLite: `databasePath`, by default a scratch file (diffs never
 * touch it), with the shadow database, where it replays the migrations, in memory. On PostgreSQL: the
 * server's database in `url`, with a throwaway shadow database beside it.
 */
export async function openOfflineEngine(
  target: EngineTarget = { provider: 'sqlite' },
): Promise<OfflineEngine> {
  const SchemaEngineClass = await loadEngineClass();
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'convlab-schema-engine-'));
  const factory =
    target.provider === 'postgresql'
      ? new PrismaPg(catalogReadablePool(pgConfigFromUrl(target.url)), {
          disposeExternalPool: true,
        })
      : new PrismaBetterSqlite3(
          { url: `file:${target.databasePath ?? path.join(scratchDir, 'scratch.db')}` },
          { shadowDatabaseUrl: ':memory:' },
        );
  const connectToShadowDb =
    target.provider === 'postgresql'
      ? () => connectToPostgresShadowDb(pgConfigFromUrl(target.url))
      : factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => acceptMultiStatementScripts(await connectToShadowDb());
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const logs: string[] = [];
  const engine = await SchemaEngineClass.new(
    { datamodels: undefined },
    (line: string) => logs.push(line),
    adapter,
  );
  return {
    engine,
    close: () => {
      engine.free();
      rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}

/**
 * node-postgres settings from a URL, field by field: the pg adapter makes its shadow database by
 * overriding `database`, which a connectionString would take precedence over.
 */
function pgConfigFromUrl(url: string) {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: decodeURIComponent(parsed.password) || undefined,
    database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
  };
}

/** PostgreSQL's internal one-byte type, which its catalogs use (e.g. pg_class.relkind). */
const CATALOG_CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * A pool whose results type "char" columns as text. The engine describes a schema by reading the
 * catalogs, and the pg adapter (7.10.0) refuses "char" ("Column type 'char' could not be
 * deserialized"); node-postgres already returns its values as strings.
 */
function catalogReadablePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  const retyped = async (...args: unknown[]) => {
    const result = await query(...args);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === CATALOG_CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  pool.query = retyped as typeof pool.query;
  return pool;
}

/**
 * A throwaway shadow database on the server. The pg adapter's own drops the database while its pool
 * still holds a connection, which PostgreSQL refuses; this one closes the pool first.
 */
async function connectToPostgresShadowDb(
  config: ReturnType<typeof pgConfigFromUrl>,
): Promise<SqlDriverAdapter> {
  const name = `convlab_shadow_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client(config);
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const adapter = await new PrismaPg(catalogReadablePool({ ...config, database: name }), {
    disposeExternalPool: true,
  }).connect();
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    try {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  return adapter;
}

/** Where a diff starts: the replayed migrations, or nothing before the first migration exists. */
export function migrationsDiffSource(list: MigrationList): DiffTarget {
  return list.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...list };
}

/**
 * The engine replays each migration.sql on the shadow database with one `executeRaw` call, but
 * better-sqlite3 prepares one statement at a time, and PostgreSQL's extended protocol takes one
 * statement, so both reject a whole script. Such calls are re-run as a script, which is what the
 * native engine does.
 */
function acceptMultiStatementScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      if (property === 'executeRaw') {
        return async (query: SqlQuery): Promise<number> => {
          try {
            return await target.executeRaw(query);
          } catch (error) {
            const message = error instanceof Error ? error.message : '';
            const cause = (error as { cause?: { message?: string } }).cause?.message ?? '';
            const text = `${message} ${cause}`;
            if (
              query.args.length > 0 ||
              !(
                text.includes('more than one statement') ||
                text.includes('cannot insert multiple commands')
              )
            ) {
              throw error;
            }
            await target.executeScript(query.sql);
            return 0;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

export function readSchemaFiles(schemaPath = SCHEMA_PATH): SchemaContainer[] {
  return [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }];
}

/** The provider's schema, made from the source model at `sourcePath` (see provider-schemas.mjs). */
export function providerSchemaFiles(
  provider: Provider,
  sourcePath = SCHEMA_PATH,
): SchemaContainer[] {
  if (provider === 'sqlite') return readSchemaFiles(sourcePath);
  return [
    { path: POSTGRES_SCHEMA_PATH, content: postgresSchemaText(readFileSync(sourcePath, 'utf8')) },
  ];
}

/** The migrations folder as the engine wants it (what Prisma's CLI reads from disk). */
export function readMigrationList(dir = MIGRATIONS_DIR): MigrationList {
  const lockPath = path.join(dir, 'migration_lock.toml');
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter(
          (entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')),
        )
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}
