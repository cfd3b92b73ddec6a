/**
 * How many data-parallel workers a run trains on: its config's `workers` (an upper bound; null means
 * "its share"), capped by the share of cores its trainer gives each run, by the cores there are, and by
 * its batch: each worker gets at least MIN_ROWS_PER_WORKER rows, because batch norm normalises each
 * worker's own rows (a slice of 1 or 2 rows has no usable statistics). Only wasm replicates: a GPU
 * backend computes on one device, and tfjs-node threads on its own.
 */
export const MIN_ROWS_PER_WORKER = 16;

export interface WorkerCountInput {
  /** The run config's `workers` (null: the run's share). */
  requested: number | null;
  /** Threads the trainer gives each run (--threads-per-run, or cores / concurrency); null: every core. */
  share: number | null;
  /** Cores this process may use (os.availableParallelism()). */
  cores: number;
  /** The backend the run trains on. */
  backend: string;
  /** The run's batch size. */
  batchSize: number;
}

export interface WorkerCount {
  workers: number;
  /** Why fewer workers than asked, in one line for the run's page; null when it got what it asked. */
  note: string | null;
}

export function resolveWorkerCount(input: WorkerCountInput): WorkerCount {
  const { requested, cores, backend } = input;
  if (!Number.isInteger(cores) || cores < 1)
    throw new Error(`resolveWorkerCount: cores must be a positive integer, got ${cores}`);
  if (backend !== 'wasm') {
    return {
      workers: 1,
      note:
        requested !== null && requested > 1
          ? `asked for ${requested} workers; the ${backend} backend trains on one worker`
          : null,
    };
  }
  const coreLimit = Math.max(1, Math.min(input.share ?? cores, cores));
  const batchLimit = Math.max(1, Math.floor(input.batchSize / MIN_ROWS_PER_WORKER));
  const limit = Math.min(coreLimit, batchLimit);
  const workers = Math.min(requested ?? limit, limit);
  if (requested === null || requested <= workers) return { workers, note: null };
  const why =
    batchLimit < coreLimit
      ? `a batch of ${input.batchSize} gives at most ${batchLimit} worker${batchLimit === 1 ? '' : 's'} ${MIN_ROWS_PER_WORKER} rows each`
      : input.share !== null && input.share < cores
        ? `this trainer gives each run ${coreLimit} of its ${cores} cores`
        : `this machine has ${cores} core${cores === 1 ? '' : 's'}`;
  return { workers, note: `asked for ${requested} workers; ${why}, so it trains on ${workers}` };
}
