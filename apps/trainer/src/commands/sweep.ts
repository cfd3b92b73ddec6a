import { parseArgs } from 'node:util';
import {
  formatParamValue,
  InvalidSweepError,
  parseSearchSpace,
  planSweep,
  SWEEP_METHODS,
} from '@convlab/core/sweep';
import {
  cancelSweep,
  createSweep,
  getSweepDetail,
  listSweeps,
  sweepToCsv,
  type SweepDetail,
} from '@convlab/db';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { formatPercent, formatTable, printable } from '../text-table.ts';
import { checkLocationsOrThrow } from './queue-command.ts';
import {
  parseDecimalFlag,
  runConfigFlagOptions,
  runConfigInputFromFlags,
} from './run-config-flags.ts';

const SWEEP_USAGE = `usage: convlab sweep create --preset <p> [--dataset <d>] --method grid|random|asha
         --param <field>=<values> ... [--trials N] [--max-epochs N] [--eta N] [--min-epochs N]
         [--seed N] [--max-concurrent N] [--name S] [<run flags>] [--json]
       convlab sweep show <id> [--json|--csv]
       convlab sweep cancel <id> [--json]
       convlab sweep list [--json]
params: lr=log:1e-4:1e-2 (log-uniform), dropout=uniform:0.1:0.5, batchSize=64,128, augment=true,false`;

export async function sweepCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'create':
      return createCommand(rest);
    case 'show':
      return showCommand(rest);
    case 'cancel':
      return cancelCommand(rest);
    case 'list':
      return listCommand(rest);
    default:
      throw new CliError(SWEEP_USAGE);
  }
}

// The sweep's own --seed samples the space and its --max-epochs is every trial's budget, so the
// run flags for those two are not taken (sweep the run seed with --param seed=1,2,3).
const OWN_FLAGS = ['seed', 'epochs'] as const;

async function createCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      ...runConfigFlagOptions(OWN_FLAGS),
      method: { type: 'string' },
      param: { type: 'string', multiple: true },
      trials: { type: 'string' },
      'max-epochs': { type: 'string' },
      'min-epochs': { type: 'string' },
      eta: { type: 'string' },
      seed: { type: 'string' },
      'max-concurrent': { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const method = values.method;
  if (method === undefined || !(SWEEP_METHODS as readonly string[]).includes(method)) {
    throw new CliError(`--method is required: one of ${SWEEP_METHODS.join(', ')}`);
  }
  const base = runConfigInputFromFlags(values, OWN_FLAGS);
  const integer = (flag: string): number | undefined => {
    const raw = values[flag as keyof typeof values];
    return typeof raw === 'string' ? parseDecimalFlag(flag, raw) : undefined;
  };
  const created = await withDatabase(async (db) => {
    try {
      const definition = {
        method,
        base,
        space: parseSearchSpace(values.param ?? []),
        trials: integer('trials'),
        maxEpochs: integer('max-epochs'),
        minEpochs: integer('min-epochs'),
        eta: integer('eta'),
        seed: integer('seed'),
        maxConcurrent: integer('max-concurrent') ?? null,
      };
      await checkLocationsOrThrow(planSweep(definition).trials.map((trial) => trial.config));
      return await createSweep(db, { name: values.name, definition });
    } catch (error) {
      if (error instanceof InvalidSweepError) throw new CliError(error.message);
      throw error;
    }
  });
  if (values.json) {
    console.log(JSON.stringify({ id: created.sweep.id, runIds: created.runIds }));
  } else {
    console.log(created.sweep.id);
    console.error(
      `queued ${created.runIds.length} trial${created.runIds.length === 1 ? '' : 's'}` +
        (method === 'asha' ? ' (the first rung; promotions queue more)' : ''),
    );
  }
  return 0;
}

function idArgument(verb: string, args: string[], extra: 'json' | 'json-csv') {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      ...(extra === 'json-csv' ? { csv: { type: 'boolean' as const, default: false } } : {}),
    },
  });
  const [id] = positionals;
  const usage = `usage: convlab sweep ${verb} <id> [--json${extra === 'json-csv' ? '|--csv' : ''}]`;
  if (!id || positionals.length > 1) throw new CliError(usage);
  const csv = 'csv' in values && values.csv === true;
  if (values.json && csv) throw new CliError('choose one of --json and --csv');
  return { id, json: values.json, csv };
}

async function showCommand(args: string[]): Promise<number> {
  const { id, json, csv } = idArgument('show', args, 'json-csv');
  const detail = await withDatabase((db) => getSweepDetail(db, id));
  if (!detail) throw new CliError(`no sweep with id ${id}`);
  if (json) console.log(JSON.stringify(detail));
  else if (csv) process.stdout.write(sweepToCsv(detail));
  else printSweep(detail);
  return 0;
}

function printSweep(detail: SweepDetail): void {
  const params = Object.keys(detail.definition.space);
  const counts = Object.entries(detail.counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  console.log(`${detail.id}  ${printable(detail.name)}`);
  console.log(`method:   ${detail.method}   state: ${detail.state}   trials: ${counts || 'none'}`);
  if (detail.rungEpochs) {
    console.log(`rungs:    epochs ${detail.rungEpochs.join(', ')} (eta ${detail.definition.eta})`);
  }
  console.log('');
  console.log(
    formatTable(
      [
        'TRIAL',
        'STATUS',
        ...(detail.rungEpochs ? ['RUNG'] : []),
        'EPOCHS',
        'BEST VAL',
        'TEST ACC',
        ...params,
      ],
      detail.trials.map((trial) => [
        trial.id,
        trial.status,
        ...(detail.rungEpochs ? [trial.rung === null ? '-' : String(trial.rung)] : []),
        String(trial.epochsDone),
        formatPercent(trial.bestValAcc),
        formatPercent(trial.testAcc),
        ...params.map((param) => printable(formatParamValue(trial.params[param]))),
      ]),
    ),
  );
}

async function cancelCommand(args: string[]): Promise<number> {
  const { id, json } = idArgument('cancel', args, 'json');
  const result = await withDatabase((db) => cancelSweep(db, id));
  if (json) console.log(JSON.stringify({ id, ...result }));
  else
    console.log(
      `${id} cancelled: ${result.cancelled} queued trial(s) cancelled, ` +
        `${result.stopping} running trial(s) stop after the current batch`,
    );
  return 0;
}

async function listCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const sweeps = await withDatabase((db) => listSweeps(db));
  if (values.json) {
    console.log(JSON.stringify(sweeps));
    return 0;
  }
  if (sweeps.length === 0) {
    console.log(
      'No sweeps yet. Create one with: npx convlab sweep create --preset tiny-cnn ' +
        '--dataset synthetic --method grid --param lr=0.001,0.01',
    );
    return 0;
  }
  console.log(
    formatTable(
      ['ID', 'NAME', 'METHOD', 'STATE', 'TRIALS', 'BEST VAL', 'CREATED'],
      sweeps.map((sweep) => [
        sweep.id,
        printable(sweep.name),
        sweep.method,
        sweep.state,
        String(sweep.trials),
        formatPercent(sweep.bestValAcc),
        sweep.createdAt.toISOString().replace('T', ' ').slice(0, 19),
      ]),
    ),
  );
  return 0;
}
