/**
 * How many data-parallel workers a run trains on: its config's `workers` (an upper bound; null means
 * "its share"), capped by the share of cores its trainer gives each run and by the cores there are.
 * Only wasm replicates: a GPU backend computes on one device, and tfjs-node threads on its own.
 */
export interface WorkerCountInput {
  /** The run config's `workers` (null: the run's share). */
  requested: number | null;
  /** Threads the trainer gives each run (--threads-per-run, or cores / concurrency); null: every core. */
  share: number | null;
  /** Cores this process may use (os.availableParallelism()). */
  cores: number;
  /** The backend the run trains on. */
  backend: string;
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
  const limit = Math.max(1, Math.min(input.share ?? cores, cores));
  const workers = Math.min(requested ?? limit, limit);
  if (requested === null || requested <= workers) return { workers, note: null };
  const why =
    input.share !== null && input.share < cores
      ? `this trainer gives each run ${limit} of its ${cores} cores`
      : `this machine has ${cores} core${cores === 1 ? '' : 's'}`;
  return { workers, note: `asked for ${requested} workers; ${why}, so it trains on ${workers}` };
}
