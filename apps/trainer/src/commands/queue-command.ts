import { parseArgs } from 'node:util';
import { checkRunLocationsOfAll, RunLocationError } from '@convlab/core/policy';
import {
  formatZodIssue,
  prioritySchema,
  resolveRunConfig,
  type RunConfig,
  runNameSchema,
  groupIdSchema,
} from '@convlab/core/contracts';
import { enqueueRun, QUEUE_DEPTH_SQL, queueDepth, runNoteSchema, runTagsSchema } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { readTrainerEnv } from '../env.ts';
import {
  parseDecimalFlag,
  runConfigFlagOptions,
  runConfigInputFromFlags,
} from './run-config-flags.ts';

const queueExtrasSchema = z.object({
  priority: prioritySchema.optional(),
  name: runNameSchema.optional(),
  group: groupIdSchema.optional(),
  tag: runTagsSchema.optional(),
  note: runNoteSchema.optional(),
});

export async function queueCommand(args: string[]): Promise<number> {
  if (args[0] === 'depth') return queueDepthCommand(args.slice(1));
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      ...runConfigFlagOptions(),
      priority: { type: 'string' },
      name: { type: 'string' },
      group: { type: 'string' },
      tag: { type: 'string', multiple: true },
      note: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const config = runConfigInputFromFlags(values);
  const extras = queueExtrasSchema.safeParse({
    priority:
      values.priority === undefined ? undefined : parseDecimalFlag('priority', values.priority),
    name: values.name,
    group: values.group,
    tag: values.tag,
    note: values.note,
  });
  if (!extras.success) {
    throw new CliError(`invalid --${formatZodIssue(extras.error, 'option')}`);
  }
  await checkLocationsOrThrow([resolveRunConfig(config)]);
  const run = await withDatabase((db) =>
    enqueueRun(db, {
      config,
      priority: extras.data.priority,
      name: extras.data.name,
      groupId: extras.data.group,
      tags: extras.data.tag,
      note: extras.data.note,
    }),
  );
  console.log(values.json ? JSON.stringify({ id: run.id }) : run.id);
  return 0;
}

/** Folder datasets and weights locations are checked now (exist, allowed), not when a trainer runs them. */
export async function checkLocationsOrThrow(configs: RunConfig[]): Promise<void> {
  try {
    await checkRunLocationsOfAll(configs, readTrainerEnv().policy);
  } catch (error) {
    if (error instanceof RunLocationError) {
      throw new CliError(
        `invalid --${error.field === 'dataset' ? 'dataset' : 'weights-url'}: ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * `convlab queue depth [--json] [--sql]`: the runs a trainer could claim now, the number a scheduler
 * (KEDA's postgresql trigger) scales trainers on; `--sql` prints the query itself, for the trigger.
 */
async function queueDepthCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean', default: false },
      sql: { type: 'boolean', default: false },
    },
  });
  if (values.sql && values.json)
    throw new CliError('queue depth: --sql and --json are exclusive', 2);
  if (values.sql) {
    console.log(QUEUE_DEPTH_SQL);
    return 0;
  }
  const depth = await withDatabase((db) => queueDepth(db));
  console.log(values.json ? JSON.stringify({ depth }) : String(depth));
  return 0;
}
