/**
 * Drives Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm, pinned to the
 * engine build of Prisma 7.10.0) so migrations can be generated and checked offline: the native
 * schema-engine binary cannot be downloaded here. The engine talks to SQLite through the
 * better-sqlite3 driver adapter; its shadow database is in memory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
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
 * An engine connected to `databasePath` (by default a scratch SQLite file: diffs never touch it)
 * whose shadow database, where it replays the migrations, is in memory.
 */
export async function openOfflineEngine(databasePath?: string): Promise<OfflineEngine> {
  const SchemaEngineClass = await loadEngineClass();
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'convlab-schema-engine-'));
  const factory = new PrismaBetterSqlite3(
    { url: `file:${databasePath ?? path.join(scratchDir, 'scratch.db')}` },
    { shadowDatabaseUrl: ':memory:' },
  );
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
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

/** Where a diff starts: the replayed migrations, or nothing before the first migration exists. */
export function migrationsDiffSource(list: MigrationList): DiffTarget {
  return list.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...list };
}

/**
 * The engine replays each migration.sql on the shadow database with one `executeRaw` call, but
 * better-sqlite3 prepares one statement at a time and rejects a whole script. Such calls are
 * re-run as a script (`exec`), which is what the native engine does.
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
            if (
              query.args.length > 0 ||
              !`${message} ${cause}`.includes('more than one statement')
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
