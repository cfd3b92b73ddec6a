import { parseArgs } from 'node:util';
import { datasetsDir } from '@convlab/core/paths';
import { FETCHABLE_DATASETS, fetchDataset, isFetchableDataset } from '@convlab/core/fetch';
import { CliError } from '../cli-error.ts';

export async function dataCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' } },
  });
  const [action, dataset] = positionals;
  if (action !== 'fetch' || !dataset) {
    throw new CliError(
      `usage: convlab data fetch <${FETCHABLE_DATASETS.join('|')}> [--data-dir DIR]`,
    );
  }
  if (!isFetchableDataset(dataset)) {
    throw new CliError(
      `cannot fetch "${dataset}": fetchable datasets are ${FETCHABLE_DATASETS.join(', ')}`,
    );
  }
  const dataDir = values['data-dir'] ?? datasetsDir();
  let lastLine = '';
  const onProgress = (message: string) => {
    if (message !== lastLine) console.error(message);
    lastLine = message;
  };
  console.log(JSON.stringify(await fetchDataset(dataset, { dataDir, onProgress })));
  return 0;
}
