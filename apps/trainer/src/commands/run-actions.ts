import { parseArgs } from 'node:util';
import { cancelRun, retryRun } from '@convlab/db';
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
