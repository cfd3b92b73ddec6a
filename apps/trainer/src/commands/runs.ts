import { parseArgs } from 'node:util';
import { listRuns, RUN_STATUSES, runsToCsv, type RunStatus } from '@convlab/db';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { formatPercent, formatTable } from '../text-table.ts';

export async function runsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      status: { type: 'string' },
      tag: { type: 'string' },
      sweep: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  if (values.json && values.csv) throw new CliError('choose one of --json and --csv');
  const status = values.status;
  if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new CliError(`invalid --status: expected one of ${RUN_STATUSES.join(', ')}`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new CliError('invalid --limit: expected a positive integer');
  }
  const runs = await withDatabase((db) =>
    listRuns(db, {
      status: status as RunStatus | undefined,
      tag: values.tag,
      sweepId: values.sweep,
      limit,
    }),
  );
  if (values.json) {
    console.log(JSON.stringify(runs));
    return 0;
  }
  if (values.csv) {
    process.stdout.write(runsToCsv(runs));
    return 0;
  }
  if (runs.length === 0) {
    console.log(
      'No runs yet. Queue one with: npx convlab queue --preset seed-cnn --dataset synthetic',
    );
    return 0;
  }
  console.log(
    formatTable(
      ['ID', 'STATUS', 'PRESET', 'DATASET', 'EPOCH', 'BEST VAL', 'TEST ACC', 'BACKEND', 'CREATED'],
      runs.map((run) => [
        run.id,
        run.status,
        run.preset,
        run.dataset,
        run.currentEpoch === null ? '-' : `${run.currentEpoch}/${run.totalEpochs ?? '?'}`,
        formatPercent(run.bestValAcc),
        formatPercent(run.testAcc),
        run.backend ?? '-',
        run.createdAt.toISOString().replace('T', ' ').slice(0, 19),
      ]),
    ),
  );
  return 0;
}
