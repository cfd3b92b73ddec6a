import { parseArgs } from 'node:util';
import { datasetsDir, fetchCifar10 } from '@convlab/core';
import { CliError } from '../cli-error.ts';

const FETCHABLE = ['cifar10'] as const;

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
  if (dataset !== 'cifar10') {
    throw new CliError(`cannot fetch "${dataset}": fetchable datasets are ${FETCHABLE.join(', ')}`);
  }
  const dataDir = values['data-dir'] ?? datasetsDir();
  let lastLine = '';
  const result = await fetchCifar10({
    dataDir,
    onProgress: (message: string) => {
      if (message !== lastLine) console.error(message);
      lastLine = message;
    },
  });
  console.log(JSON.stringify(result));
  return 0;
}
