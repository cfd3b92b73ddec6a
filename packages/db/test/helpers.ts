import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TEST_POSTGRES_ENV } from '../scripts/throwaway-postgres.mjs';
import { applyMigrations, createDb, registerWorker, type PrismaClient } from '../src/index.ts';
import { POSTGRES_UNAVAILABLE_ENV } from './postgres-setup.ts';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES_DIR = path.join(PACKAGE_DIR, 'test', 'fixtures');

export interface TempDatabase {
  /** A scratch folder of the test's own (the SQLite file lives in it). */
  dir: string;
  url: string;
  db: PrismaClient;
  cleanup(): Promise<void>;
}

export type TestProvider = 'sqlite' | 'postgresql';
/** The providers the queue tests run on, with the same test bodies. */
export const TEST_PROVIDERS: TestProvider[] = ['sqlite', 'postgresql'];

/**
 * A migrated, empty database with an open client: a SQLite file in a fresh temp folder, or a new
 * database on the test PostgreSQL server (see postgres-setup.ts).
 */
export async function createTempDatabase(provider: TestProvider = 'sqlite'): Promise<TempDatabase> {
  if (provider === 'postgresql') return createPostgresDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-db-test-'));
  const url = `file:${path.join(dir, 'test.db')}`;
  await applyMigrations(url);
  const db = createDb({ url });
  return {
    dir,
    url,
    db,
    async cleanup() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let databases = 0;

async function createPostgresDatabase(): Promise<TempDatabase> {
  const server = process.env[TEST_POSTGRES_ENV];
  if (!server) {
    throw new Error(
      `no PostgreSQL server for the tests: ${process.env[POSTGRES_UNAVAILABLE_ENV] ?? `${TEST_POSTGRES_ENV} is not set`}`,
    );
  }
  const name = `convlab_test_${process.pid}_${Date.now()}_${databases++}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  const db = createDb({ url: url.toString() });
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-db-test-'));
  return {
    dir,
    url: url.toString(),
    db,
    async cleanup() {
      await db.$disconnect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export async function createWorker(db: PrismaClient, id?: string): Promise<string> {
  const worker = await registerWorker(db, {
    id,
    host: 'test-host',
    pid: process.pid,
    backend: 'cpu',
    concurrency: 1,
    version: 'test',
  });
  return worker.id;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface StartedProcess {
  /** Resolves when the process prints a line "ready". */
  ready: Promise<void>;
  done: Promise<ProcessResult>;
}

/** Starts a TypeScript file in a new Node process (through tsx) and collects its output. */
/** `prefix` runs it through another command, e.g. `ip netns exec <ns>` (a stand-in host). */
export function startTsProcess(
  script: string,
  args: string[],
  prefix: string[] = [],
): StartedProcess {
  const [command = process.execPath, ...prefixArgs] = [...prefix, process.execPath];
  const child = spawn(command, [...prefixArgs, '--import', 'tsx', script, ...args], {
    cwd: PACKAGE_DIR,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (/^ready$/m.test(stdout)) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady(); // a process that died early must not leave the caller waiting
      resolve({ code, stdout, stderr });
    });
  });
  return { ready, done };
}

export function runTsProcess(script: string, args: string[]): Promise<ProcessResult> {
  return startTsProcess(script, args).done;
}

/**
 * Starts several processes, waits until each has loaded and printed "ready", then creates
 * `goFile`, which they poll for, so their work overlaps however slowly they started.
 */
export async function runTogether(
  goFile: string,
  processes: { script: string; args: string[]; prefix?: string[] }[],
): Promise<ProcessResult[]> {
  const started = processes.map(({ script, args, prefix }) =>
    startTsProcess(script, [goFile, ...args], prefix),
  );
  await Promise.all(started.map((p) => p.ready));
  writeFileSync(goFile, 'go');
  return Promise.all(started.map((p) => p.done));
}

/** In a fixture process: say "ready", then wait for the parent's go file. */
export async function readyThenWaitForGo(goFile: string): Promise<void> {
  console.log('ready');
  while (!existsSync(goFile)) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** The last line of a process's stdout, parsed as JSON (the fixtures print their result there). */
export function lastJsonLine<T>(result: ProcessResult): T {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  if (result.code !== 0 || !last) {
    throw new Error(`process failed (code ${result.code}): ${result.stderr || result.stdout}`);
  }
  return JSON.parse(last) as T;
}
