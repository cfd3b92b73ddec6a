/** Trainer settings from the environment, validated once. */
import { dataPolicyEnvSchema, dataPolicyFromEnv, type DataPolicy } from '@convlab/core/policy';
import { backendPreferenceSchema, formatZodIssue } from '@convlab/core/schema';
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
