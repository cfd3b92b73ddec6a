/** Runs the real `convlab` CLI against a throwaway database (SQLite file, or a given URL) and runs folder. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, type PrismaClient, type RunDetail } from '@convlab/db';

/** A small, quick run that is still slow enough per epoch to interrupt mid-run. */
/** The queue arguments of a small tiny-cnn run on synthetic data: what most tests train. */
export function tinyRunArgs(
  options: { epochs?: number; trainLimit?: number; testLimit?: number } = {},
): string[] {
  const { epochs, trainLimit = 600, testLimit = 200 } = options;
  return [
    '--preset',
    'tiny-cnn',
    '--dataset',
    'synthetic',
    ...(epochs === undefined ? [] : ['--epochs', String(epochs)]),
    '--train-limit',
    String(trainLimit),
    '--test-limit',
    String(testLimit),
  ];
}

export const TINY_RUN = tinyRunArgs();

/** A value as JSON.stringify writes it and JSON.parse gives it back: dates become strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

/** What `convlab show <id> --json` prints: the database's RunDetail, as JSON. */
export type ShowJson = Jsonified<RunDetail>;

export const CONVLAB_BIN = fileURLToPath(new URL('../bin/convlab.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Starts `convlab trainer …` in the background. */
  startTrainer(args: string[], extraEnv?: NodeJS.ProcessEnv): TrainerProcess;
  queue(args: string[]): Promise<string>;
  /** Queues a tiny-cnn run on synthetic data (tinyRunArgs) and returns its id. */
  queueTinyRun(options?: Parameters<typeof tinyRunArgs>[0]): Promise<string>;
  db(): PrismaClient;
  cleanup(): Promise<void>;
}

export interface TrainerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SandboxOptions {
  /** Default: a fresh SQLite file in the sandbox. */
  databaseUrl?: string;
  /** Runs the trainer through this command prefix, e.g. `ip netns exec <host>` (a stand-in host). */
  commandPrefix?: string[];
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlab-trainer-test-'));
  const databaseUrl = options.databaseUrl ?? `file:${path.join(dir, 'convlab.db')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    CONVLAB_RUNS_DIR: path.join(dir, 'runs'),
    CONVLAB_POLL_MS: '200',
    // One worker thread per run unless a test asks for more (data-parallel.test.ts does): the other
    // tests are about the queue and the processes, and CI has two cores.
    CONVLAB_THREADS_PER_RUN: '1',
  };
  const clients: PrismaClient[] = [];
  const trainers: ChildProcess[] = [];

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<CliResult>((resolve) => {
      execFile(
        process.execPath,
        [CONVLAB_BIN, ...args],
        { env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  return {
    dir,
    env,
    databaseUrl,
    cli,
    startTrainer(args, extraEnv = {}) {
      const [command = process.execPath, ...prefixArgs] = [
        ...(options.commandPrefix ?? []),
        process.execPath,
      ];
      const child = spawn(command, [...prefixArgs, CONVLAB_BIN, 'trainer', ...args], {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      trainers.push(child);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (resolve) => child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      return { child, output: () => output, exited };
    },
    async queue(args) {
      const result = await cli(['queue', ...args, '--json']);
      if (result.code !== 0) throw new Error(`queue failed: ${result.stderr}`);
      return (JSON.parse(result.stdout) as { id: string }).id;
    },
    queueTinyRun(options) {
      return this.queue(tinyRunArgs(options));
    },
    db() {
      const client = createDb({ url: databaseUrl });
      clients.push(client);
      return client;
    },
    async cleanup() {
      for (const child of trainers) if (child.exitCode === null) child.kill('SIGKILL');
      await Promise.all(clients.map((c) => c.$disconnect()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  { timeoutMs = 120_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
