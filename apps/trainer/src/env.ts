/** Trainer settings from the environment, validated once. */
import { dataPolicyEnvSchema, dataPolicyFromEnv, type DataPolicy } from '@convlab/core/policy';
import { backendPreferenceSchema, formatZodIssue, MAX_WORKERS } from '@convlab/core/contracts';
import { z } from 'zod';

const envSchema = dataPolicyEnvSchema.extend({
  /** How long a claimed run stays ours without a heartbeat before any daemon may requeue it. */
  CONVLAB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** How often the daemon polls for queued runs and requeues stale ones. */
  CONVLAB_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Failed attempts (crashes, expired leases) before a run is given up as failed. */
  CONVLAB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Time a graceful shutdown waits for runs to reach a batch boundary before killing them. */
  CONVLAB_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  CONVLAB_BACKEND: backendPreferenceSchema.default('auto'),
  /** Memory for one kind of activation cache of a run (pooled features, or the fine-tuning trunk). */
  CONVLAB_CACHE_BUDGET_MB: z.coerce.number().int().min(16).max(1_048_576).default(3072),
  /**
   * Data-parallel worker threads each run may use (--threads-per-run; the daemon sets it for its run
   * processes from cores / concurrency). Unset: every core. A run's config `workers` can only lower it.
   */
  CONVLAB_THREADS_PER_RUN: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number().int().min(1).max(MAX_WORKERS).optional(),
  ),
  /** Set by a daemon drawing on a terminal for its run processes: send live progress over IPC. */
  CONVLAB_PROGRESS_IPC: z
    .enum(['0', '1'])
    .default('0')
    .transform((value) => value === '1'),
});

export type TrainerEnv = z.infer<typeof envSchema> & {
  /** Where folder datasets and local weights may live, allowed weights hosts, image size limits. */
  policy: DataPolicy;
};

export function readTrainerEnv(env: NodeJS.ProcessEnv = process.env): TrainerEnv {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid environment: ${formatZodIssue(result.error, 'environment')}`);
  }
  return { ...result.data, policy: dataPolicyFromEnv(result.data) };
}

/** Log level of the trainer's JSON lines (pino's levels); --verbose overrides it with debug. */
const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof logLevelSchema>;

/**
 * CONVLAB_LOG_LEVEL, read on its own so a logger can start (and report) even when another variable is
 * invalid.
 */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const parsed = logLevelSchema.safeParse(env.CONVLAB_LOG_LEVEL?.trim() || 'info');
  if (!parsed.success)
    throw new Error(
      `invalid environment: CONVLAB_LOG_LEVEL: expected one of ${logLevelSchema.options.join(', ')}`,
    );
  return parsed.data;
}

/** CONVLAB_DEBUG=1: CLI errors print their stack after the one-line message. */
export function debugFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CONVLAB_DEBUG === '1';
}

/**
 * This process's environment with `overrides` set (undefined ones left as they are): what a training
 * run's child process starts with, or the environment a CLI flag stands in for.
 */
export function envWith(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * Where `convlab report --format pdf` looks for Chromium: CONVLAB_CHROMIUM (as the browser tests use
 * it), else /usr/bin/chromium, then `chromium` in each PATH folder.
 */
export function chromiumSearchFromEnv(env: NodeJS.ProcessEnv = process.env): {
  override: string | undefined;
  pathDirs: string[];
} {
  return {
    override: env.CONVLAB_CHROMIUM?.trim() || undefined,
    pathDirs: (env.PATH ?? '').split(':').filter(Boolean),
  };
}
