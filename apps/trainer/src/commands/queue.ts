import { parseArgs } from 'node:util';
import {
  describeConfigError,
  runConfigInputSchema,
  type RunConfigInput,
} from '@convlab/core/schema';
import { checkRunLocations, RunLocationError } from '@convlab/core/policy';
import {
  firstIssuePath,
  formatZodIssue,
  prioritySchema,
  resolveRunConfig,
} from '@convlab/core/schema';
import { enqueueRun } from '@convlab/db';
import { z } from 'zod';
import { CliError } from '../cli-error.ts';
import { withDatabase } from '../database.ts';
import { readTrainerEnv } from '../env.ts';

/** CLI flag → run config field, so errors can name the flag the user typed. */
const NUMERIC_FLAGS = {
  epochs: 'epochs',
  'batch-size': 'batchSize',
  seed: 'seed',
  'learning-rate': 'learningRate',
  'fine-tune-layers': 'fineTuneLayers',
  'fine-tune-epochs': 'fineTuneEpochs',
  'input-size': 'inputSize',
  'train-limit': 'trainLimit',
  'test-limit': 'testLimit',
  'validation-split': 'validationSplit',
  'early-stopping-patience': 'earlyStoppingPatience',
  dropout: 'dropout',
} as const satisfies Record<string, keyof RunConfigInput>;

const FLAG_FOR_FIELD = new Map<string, string>(
  Object.entries(NUMERIC_FLAGS).map(([flag, field]) => [field, flag]),
);

const queueExtrasSchema = z.object({
  priority: prioritySchema.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  group: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)')
    .optional(),
});

export async function queueCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      preset: { type: 'string' },
      dataset: { type: 'string' },
      augment: { type: 'boolean' },
      'no-augment': { type: 'boolean' },
      'weights-url': { type: 'string' },
      priority: { type: 'string' },
      name: { type: 'string' },
      group: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...Object.fromEntries(Object.keys(NUMERIC_FLAGS).map((flag) => [flag, { type: 'string' }])),
    } as const,
  });
  if (values.preset === undefined)
    throw new CliError('--preset is required (e.g. --preset seed-cnn)');

  const input: Record<string, unknown> = { preset: values.preset };
  if (values.dataset !== undefined) input.dataset = values.dataset;
  if (values['weights-url'] !== undefined) input.weightsUrl = values['weights-url'];
  if (values.augment) input.augment = true;
  if (values['no-augment']) input.augment = false;
  for (const [flag, field] of Object.entries(NUMERIC_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw === 'string') input[field] = parseNumber(flag, raw);
  }
  const configResult = runConfigInputSchema.safeParse(input);
  if (!configResult.success) {
    const field = firstIssuePath(configResult.error);
    const flag = FLAG_FOR_FIELD.get(field) ?? field.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    throw new CliError(`invalid --${flag}: ${describeConfigError(configResult.error)}`);
  }
  const extras = queueExtrasSchema.safeParse({
    priority: values.priority === undefined ? undefined : parseNumber('priority', values.priority),
    name: values.name,
    group: values.group,
  });
  if (!extras.success) {
    throw new CliError(`invalid --${formatZodIssue(extras.error, 'option')}`);
  }
  // A folder dataset or weights location is checked now (exists, allowed), not when a trainer runs it.
  try {
    await checkRunLocations(resolveRunConfig(configResult.data), readTrainerEnv().policy);
  } catch (error) {
    if (error instanceof RunLocationError) {
      throw new CliError(
        `invalid --${error.field === 'dataset' ? 'dataset' : 'weights-url'}: ${error.message}`,
      );
    }
    throw error;
  }

  const run = await withDatabase((db) =>
    enqueueRun(db, {
      config: configResult.data,
      priority: extras.data.priority,
      name: extras.data.name,
      groupId: extras.data.group,
    }),
  );
  console.log(values.json ? JSON.stringify({ id: run.id }) : run.id);
  return 0;
}

/** Decimal numbers only: Number() would also read "0x10" as 16 and "" as 0. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (!DECIMAL.test(raw.trim()) || !Number.isFinite(value)) {
    throw new CliError(`invalid --${flag}: expected a decimal number, got "${raw}"`);
  }
  return value;
}
