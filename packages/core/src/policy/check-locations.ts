/**
 * Queue-time checks of a run config's locations, so a bad path or URL is refused with a 400 naming the
 * field before anything is queued: a folder dataset must lie in a dataset root and have ≥ 2 classes; a
 * weightsUrl must satisfy the weights policy. The trainer checks again when it loads them.
 */
import type { DataPolicy } from './data-policy.ts';
import { checkFolderDataset } from '../data/dataset-location.ts';
import { checkWeightsUrl } from '../models/weights-location.ts';
import type { RunConfig } from '../contracts/run-config-schema.ts';

export class RunLocationError extends Error {
  override name = 'RunLocationError';
  constructor(
    readonly field: 'dataset' | 'weightsUrl',
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export async function checkRunLocations(
  config: Pick<RunConfig, 'dataset' | 'weightsUrl'>,
  policy: Pick<DataPolicy, 'datasetRoots' | 'weights'>,
): Promise<void> {
  if (config.dataset.startsWith('folder:')) {
    await checkFolderDataset(config.dataset, policy.datasetRoots).catch((error: unknown) => {
      throw new RunLocationError('dataset', error instanceof Error ? error.message : String(error));
    });
  }
  if (config.weightsUrl) {
    await checkWeightsUrl(config.weightsUrl, policy.weights).catch((error: unknown) => {
      throw new RunLocationError(
        'weightsUrl',
        error instanceof Error ? error.message : String(error),
      );
    });
  }
}

/** Every distinct location a set of configs uses (a sweep's trials), each checked once. */
export async function checkRunLocationsOfAll(
  configs: Iterable<Pick<RunConfig, 'dataset' | 'weightsUrl'>>,
  policy: Pick<DataPolicy, 'datasetRoots' | 'weights'>,
): Promise<void> {
  const checked = new Set<string>();
  for (const config of configs) {
    const key = JSON.stringify([config.dataset, config.weightsUrl]);
    if (checked.has(key)) continue;
    checked.add(key);
    await checkRunLocations(config, policy);
  }
}
