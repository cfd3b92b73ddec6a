/**
 * The run-config flags `queue` and `sweep create` share: they turn into a checked RunConfigInput, and
 * errors name the flag the user typed.
 */
import {
  describeConfigError,
  firstIssuePath,
  runConfigInputSchema,
  type RunConfigInput,
} from '@convlab/core/contracts';
import { CliError } from '../cli-error.ts';

/** CLI flag → run config field. */
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
  workers: 'workers',
} as const satisfies Record<string, keyof RunConfigInput>;

const FLAG_FOR_FIELD = new Map<string, string>(
  Object.entries(NUMERIC_FLAGS).map(([flag, field]) => [field, flag]),
);

/** parseArgs options for the run-config flags (`exclude` leaves out flags a command defines itself). */
export function runConfigFlagOptions(exclude: readonly string[] = []) {
  return {
    preset: { type: 'string' },
    dataset: { type: 'string' },
    augment: { type: 'boolean' },
    'no-augment': { type: 'boolean' },
    'weights-url': { type: 'string' },
    ...Object.fromEntries(
      Object.keys(NUMERIC_FLAGS)
        .filter((flag) => !exclude.includes(flag))
        .map((flag) => [flag, { type: 'string' }]),
    ),
  } as const;
}

/** The run-config input the flags describe, checked; throws CliError naming the flag. */
export function runConfigInputFromFlags(
  values: Record<string, unknown>,
  exclude: readonly string[] = [],
): RunConfigInput {
  if (values.preset === undefined)
    throw new CliError('--preset is required (e.g. --preset seed-cnn)');
  const input: Record<string, unknown> = { preset: values.preset };
  if (values.dataset !== undefined) input.dataset = values.dataset;
  if (values['weights-url'] !== undefined) input.weightsUrl = values['weights-url'];
  if (values.augment) input.augment = true;
  if (values['no-augment']) input.augment = false;
  for (const [flag, field] of Object.entries(NUMERIC_FLAGS)) {
    if (exclude.includes(flag)) continue;
    const raw = values[flag];
    if (typeof raw === 'string') input[field] = parseDecimalFlag(flag, raw);
  }
  const parsed = runConfigInputSchema.safeParse(input);
  if (!parsed.success) {
    const field = firstIssuePath(parsed.error);
    const flag = FLAG_FOR_FIELD.get(field) ?? field.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    throw new CliError(`invalid --${flag}: ${describeConfigError(parsed.error)}`);
  }
  return parsed.data;
}

/** Decimal numbers only: Number() would also read "0x10" as 16 and "" as 0. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseDecimalFlag(flag: string, raw: string): number {
  const value = Number(raw);
  if (!DECIMAL.test(raw.trim()) || !Number.isFinite(value)) {
    throw new CliError(`invalid --${flag}: expected a decimal number, got "${raw}"`);
  }
  return value;
}
