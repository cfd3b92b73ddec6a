import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '@convlab/core';
import { MAX_WORKERS } from '@convlab/core/contracts';
import { applyMigrations, resolveDatabaseUrl } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { TrainerDaemon } from '../daemon.ts';
import { envWith, readTrainerEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { TerminalLog } from '../terminal-log.ts';
import packageJson from '../../package.json' with { type: 'json' };

const concurrencySchema = z.coerce.number().int().min(1).max(64);
const threadsPerRunSchema = z.coerce.number().int().min(1).max(MAX_WORKERS);
const maxRunsSchema = z.coerce.number().int().min(1).max(100_000);

export async function trainerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      concurrency: { type: 'string' },
      'threads-per-run': { type: 'string' },
      once: { type: 'boolean', default: false },
      'max-runs': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      backend: { type: 'string' },
      'json-logs': { type: 'boolean', default: false },
    },
  });
  const concurrency =
    values.concurrency === undefined ? null : concurrencySchema.safeParse(values.concurrency);
  if (concurrency && !concurrency.success)
    throw new CliError('invalid --concurrency: expected an integer from 1 to 64');
  const maxRuns =
    values['max-runs'] === undefined ? null : maxRunsSchema.safeParse(values['max-runs']);
  if (maxRuns && !maxRuns.success)
    throw new CliError('invalid --max-runs: expected an integer from 1 to 100000', 2);
  let env;
  try {
    env = readTrainerEnv(envWith({ CONVLAB_BACKEND: values.backend }));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const threadsPerRun =
    (values['threads-per-run'] ?? env.CONVLAB_THREADS_PER_RUN) === undefined
      ? null
      : threadsPerRunSchema.safeParse(values['threads-per-run'] ?? env.CONVLAB_THREADS_PER_RUN);
  if (threadsPerRun && !threadsPerRun.success)
    throw new CliError(`invalid --threads-per-run: expected an integer from 1 to ${MAX_WORKERS}`);
  // A person at a terminal gets readable lines and live progress; pipes and files get JSON.
  const terminal =
    process.stderr.isTTY && !values['json-logs']
      ? new TerminalLog(process.stderr, process.stderr.hasColors())
      : undefined;
  const logger = createLogger({ verbose: values.verbose, terminal });
  const databaseUrl = resolveDatabaseUrl();
  await applyMigrations(databaseUrl);
  // The daemon reports the best backend this host offers; each run's process selects the same one.
  const { backend, device, passedOver } = await initBackend(env.CONVLAB_BACKEND);
  const cores = availableParallelism();
  // On wasm one run at a time trains on every core (data-parallel workers), so the run a person just
  // queued finishes soonest; --concurrency C trains C runs at once, each on cores / C workers. Other
  // backends train a run on one worker, so there several runs at once keep the machine busy.
  const runsAtOnce = concurrency?.data ?? (backend === 'wasm' ? 1 : Math.min(64, cores));
  const daemon = new TrainerDaemon({
    databaseUrl,
    concurrency: runsAtOnce,
    threadsPerRun:
      threadsPerRun?.data ?? Math.max(1, Math.min(MAX_WORKERS, Math.floor(cores / runsAtOnce))),
    once: values.once,
    maxRuns: maxRuns?.data ?? null,
    leaseMs: env.CONVLAB_LEASE_MS,
    pollMs: env.CONVLAB_POLL_MS,
    maxAttempts: env.CONVLAB_MAX_ATTEMPTS,
    shutdownGraceMs: env.CONVLAB_SHUTDOWN_GRACE_MS,
    backend,
    backendDevice: device,
    backendPassedOver: passedOver,
    version: packageJson.version,
    verbose: values.verbose,
    logger,
    terminal,
  });
  const onSignal = (signal: NodeJS.Signals) => void daemon.shutdown(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await daemon.run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}
