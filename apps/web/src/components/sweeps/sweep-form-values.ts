/** The sweep form's values as typed, how they become `sweeps.create`'s input, and where errors go. */
import { SWEEP_METHODS, type SweepMethod } from '@convlab/core/sweep';
import type { RouterInputs } from '~/server/root.ts';
import { datasetValue, numberOrUndefined, type Preset } from '../queue-form/form-values.ts';

export { SWEEP_METHODS };

export interface SweepFormValues {
  name: string;
  preset: string;
  dataset: string;
  folderPath: string;
  method: SweepMethod;
  /** One `name=spec` per line, as `convlab sweep create --param` takes them. */
  space: string;
  trials: string;
  maxEpochs: string;
  minEpochs: string;
  eta: string;
  seed: string;
  maxConcurrent: string;
  trainLimit: string;
  testLimit: string;
  workers: string;
}

export type SweepNumberKey =
  | 'trials'
  | 'maxEpochs'
  | 'minEpochs'
  | 'eta'
  | 'seed'
  | 'maxConcurrent'
  | 'trainLimit'
  | 'testLimit'
  | 'workers';

/** The inputs an error can be shown beside (their ids are these keys). */
const PLACED = [
  'name',
  'preset',
  'dataset',
  'method',
  'space',
  'trials',
  'maxEpochs',
  'minEpochs',
  'eta',
  'seed',
  'maxConcurrent',
  'trainLimit',
  'testLimit',
  'workers',
] as const;
export type SweepFieldKey = (typeof PLACED)[number];

export const SPACE_PLACEHOLDER = [
  'learningRate=log:1e-4:1e-2',
  'batchSize=32,64',
  'augment=true,false',
  'dropout=uniform:0:0.5',
].join('\n');

export function initialSweepValues(preset: Preset | undefined): SweepFormValues {
  return {
    name: '',
    preset: preset?.name ?? '',
    dataset: preset?.defaults.dataset ?? 'synthetic',
    folderPath: '',
    method: 'grid',
    space: '',
    trials: '',
    maxEpochs: '',
    minEpochs: '',
    eta: '',
    seed: '',
    maxConcurrent: '',
    trainLimit: '',
    testLimit: '',
    workers: '',
  };
}

/** The `sweeps.create` input: blank numbers are left to core's defaults. */
export function createSweepInputOf(values: SweepFormValues): RouterInputs['sweeps']['create'] {
  return {
    name: values.name.trim() === '' ? undefined : values.name,
    method: values.method,
    base: {
      preset: values.preset as Preset['name'],
      dataset: datasetValue(values.dataset, values.folderPath),
      trainLimit: numberOrUndefined(values.trainLimit),
      testLimit: numberOrUndefined(values.testLimit),
      workers: numberOrUndefined(values.workers),
    },
    params: values.space.split('\n'),
    trials: numberOrUndefined(values.trials),
    maxEpochs: numberOrUndefined(values.maxEpochs),
    minEpochs: numberOrUndefined(values.minEpochs),
    eta: numberOrUndefined(values.eta),
    seed: numberOrUndefined(values.seed),
    maxConcurrent: numberOrUndefined(values.maxConcurrent) ?? null,
  };
}

/**
 * The input a server error belongs beside. Keys are input paths (`base.trainLimit`, `params.0`) or,
 * from core, the option or run-config field a problem is about; a run-config field the form has no
 * input for can only have come from the search space.
 */
export function fieldOfError(key: string): SweepFieldKey | null {
  if (key === '_form') return null;
  const field = key.startsWith('base.') ? key.slice('base.'.length) : key;
  if ((PLACED as readonly string[]).includes(field)) return field as SweepFieldKey;
  return 'space';
}

/** Server field errors by the input they belong beside (the first for each input). */
export function placeErrors(
  fieldErrors: Record<string, string>,
): Partial<Record<SweepFieldKey, string>> {
  const placed: Partial<Record<SweepFieldKey, string>> = {};
  for (const [key, message] of Object.entries(fieldErrors)) {
    const field = fieldOfError(key);
    if (field) placed[field] ??= message;
  }
  return placed;
}
