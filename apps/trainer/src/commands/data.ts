import { parseArgs } from 'node:util';
import { datasetsDir } from '@convlab/core/paths';
import { fetchCifar10, fetchIdxDataset } from '@convlab/core/fetch';
import { CliError } from '../cli-error.ts';

const FETCHABLE = ['cifar10', 'mnist', 'fashion-mnist'] as const;

export async function dataCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' } },
  });
  const [action, dataset] = positionals;
  if (action !== 'fetch' || !dataset) {
    throw new CliError(`usage: convlab data fetch <${FETCHABLE.join('|')}> [--data-dir DIR]`);
  }
  const dataDir = values['data-dir'] ?? datasetsDir();
  let lastLine = '';
  const onProgress = (message: string) => {
    if (message !== lastLine) console.error(message);
    lastLine = message;
  };
  if (dataset === 'cifar10') {
    console.log(JSON.stringify(await fetchCifar10({ dataDir, onProgress })));
  } else if (dataset === 'mnist' || dataset === 'fashion-mnist') {
    console.log(JSON.stringify(await fetchIdxDataset({ name: dataset, dataDir, onProgress })));
  } else {
    throw new CliError(`cannot fetch "${dataset}": fetchable datasets are ${FETCHABLE.join(', ')}`);
  }
  return 0;
}
