/**
 * The Datasets page's server side: the state of each built-in dataset (checksums verified in the
 * background, so the page shows "verifying" instead of waiting), and fetches started from the page,
 * which run core's fetchDataset — the same code as `convlab data fetch` — in this process, one per
 * dataset at a time, with their progress messages kept for the page to poll. Imports of a copy already
 * on the server run core's importDataset (as `convlab data import` does) and are answered when done.
 */
import {
  builtinDatasetStatus,
  importDataset,
  type DatasetStatus,
  type ImportDatasetResult,
} from '@convlab/core';
import { fetchDataset, type FetchableDataset } from '@convlab/core/fetch';
import { datasetsDir } from '@convlab/core/paths';
import { BUILTIN_DATASETS, isFetchableDataset, type BuiltinDataset } from '@convlab/core/contracts';

/** A status is re-checked after this long (files may be copied in by hand). */
const STATUS_TTL_MS = 30_000;
const KEPT_MESSAGES = 50;

export type DatasetView = DatasetStatus | (Omit<DatasetStatus, 'state'> & { state: 'verifying' });

interface StatusEntry {
  checkedAt: number;
  pending: Promise<DatasetStatus> | null;
  last: DatasetStatus | null;
}

const statuses = new Map<BuiltinDataset, StatusEntry>();

function statusEntry(name: BuiltinDataset): StatusEntry {
  let entry = statuses.get(name);
  if (!entry) {
    entry = { checkedAt: 0, pending: null, last: null };
    statuses.set(name, entry);
  }
  return entry;
}

/** Checks `name` again; the entry keeps its last state until the check ends. */
function refresh(name: BuiltinDataset, entry: StatusEntry): Promise<DatasetStatus> {
  entry.checkedAt = Date.now();
  const pending = builtinDatasetStatus(name, datasetsDir())
    .then((status) => {
      entry.last = status;
      return status;
    })
    .finally(() => {
      entry.pending = null;
    });
  entry.pending = pending;
  pending.catch((error: unknown) => console.error(`dataset status of ${name}:`, error));
  return pending;
}

/** Every built-in dataset's last known state, "verifying" while a check runs for one not yet known. */
export function listDatasetStatuses(): DatasetView[] {
  return BUILTIN_DATASETS.map((name) => {
    const entry = statusEntry(name);
    const fetching = fetchJobs.get(name)?.state === 'running';
    if (!entry.pending && !fetching && Date.now() - entry.checkedAt > STATUS_TTL_MS)
      void refresh(name, entry);
    const placeholder: DatasetView = {
      name,
      state: 'verifying',
      problem: null,
      location: null,
      bytes: null,
      trainImages: null,
      testImages: null,
      classNames: [],
      fetchable: isFetchableDataset(name),
    };
    return entry.last ?? placeholder;
  });
}

/** Waits for the checks under way (tests). */
export async function settleDatasetStatuses(): Promise<void> {
  const pending = [...statuses.values()].flatMap((entry) => (entry.pending ? [entry.pending] : []));
  await Promise.allSettled(pending);
}

export interface FetchJob {
  name: FetchableDataset;
  state: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  /** Progress messages, oldest first (the last KEPT_MESSAGES). */
  messages: string[];
  /** done: where the files came from and that their md5s matched; failed: why. */
  result: string | null;
}

const fetchJobs = new Map<string, FetchJob>();

/** Starts fetching `name` in the background, or returns the fetch already running. */
export function startFetch(name: FetchableDataset): FetchJob {
  const running = fetchJobs.get(name);
  if (running?.state === 'running') return running;
  if (importing.has(name))
    throw new DatasetBusyError(`${name} is being imported; wait for it to end`);
  const job: FetchJob = {
    name,
    state: 'running',
    startedAt: new Date(),
    finishedAt: null,
    messages: [],
    result: null,
  };
  fetchJobs.set(name, job);
  const say = (message: string) => {
    job.messages.push(message);
    if (job.messages.length > KEPT_MESSAGES) job.messages.shift();
  };
  void fetchDataset(name, { dataDir: datasetsDir(), onProgress: say })
    .then(async (fetched) => {
      // Re-check with the same verification the trainer's loader runs.
      const status = await refresh(name, statusEntry(name));
      if (status.state !== 'present')
        throw new Error(status.problem ?? `${name} is ${status.state}`);
      job.state = 'done';
      job.result = `md5 verified (${fetched.source === 'present' ? 'already present' : `from ${fetched.source}`}, ${fetched.seconds} s)`;
    })
    .catch((error: unknown) => {
      job.state = 'failed';
      job.result = error instanceof Error ? error.message : String(error);
    })
    .finally(() => {
      job.finishedAt = new Date();
    });
  return job;
}

export function listFetchJobs(): FetchJob[] {
  return [...fetchJobs.values()];
}

/** Why an import cannot start now (the same dataset is being fetched or imported). */
export class DatasetBusyError extends Error {
  override name = 'DatasetBusyError';
}

const importing = new Set<FetchableDataset>();

/**
 * Copies, verifies and places `name` from `folder` (already checked to lie inside a dataset root),
 * then re-checks the dataset's state. Throws core's error (naming the file and what differs) when the
 * copy does not verify; what was in place is then unchanged.
 */
export async function importFromFolder(
  name: FetchableDataset,
  folder: string,
): Promise<ImportDatasetResult> {
  if (fetchJobs.get(name)?.state === 'running' || importing.has(name))
    throw new DatasetBusyError(`${name} is being fetched or imported already; wait for it to end`);
  importing.add(name);
  try {
    const result = await importDataset(name, [folder], { dataDir: datasetsDir() });
    await refresh(name, statusEntry(name));
    return result;
  } finally {
    importing.delete(name);
  }
}
