import { parseArgs } from 'node:util';
import { annotateRun, cancelRun, retryRun } from '@convlab/db';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';

function runIdArgument(verb: string, args: string[]): string {
  const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new CliError(`usage: convlab ${verb} <id>`);
  return id;
}

export async function cancelCommand(args: string[]): Promise<number> {
  const id = runIdArgument('cancel', args);
  const run = await withDatabase((db) => cancelRun(db, id));
  console.log(
    run.status === 'cancelled'
      ? `${id} cancelled`
      : `${id} cancel requested: the trainer stops it after the current batch`,
  );
  return 0;
}

export async function retryCommand(args: string[]): Promise<number> {
  const id = runIdArgument('retry', args);
  await withDatabase((db) => retryRun(db, id));
  console.log(`${id} queued again`);
  return 0;
}

export async function annotateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      tag: { type: 'string', multiple: true },
      'no-tags': { type: 'boolean', default: false },
      note: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [id] = positionals;
  const usage = 'usage: convlab annotate <id> [--tag T]... [--no-tags] [--note S] [--json]';
  if (!id || positionals.length > 1) throw new CliError(usage);
  if (values.tag === undefined && !values['no-tags'] && values.note === undefined)
    throw new CliError(usage);
  if (values.tag !== undefined && values['no-tags'])
    throw new CliError('choose one of --tag and --no-tags');
  const tags = values['no-tags'] ? [] : values.tag;
  const run = await withDatabase((db) => annotateRun(db, id, { tags, note: values.note }));
  if (values.json) console.log(JSON.stringify({ id, tags: run.tags, note: run.note }));
  else console.log(`${id} annotated`);
  return 0;
}
