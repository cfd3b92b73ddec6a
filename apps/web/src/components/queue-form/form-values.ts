/** The queue forms' values as typed, and how they become the server's input. */
import type { RunConfig, RunConfigInput } from '@convlab/core/contracts';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter, RouterInputs, RouterOutputs } from '~/server/root.ts';

export type Preset = RouterOutputs['presets']['list']['presets'][number];
export type FieldErrors = Record<string, string>;

/** What the form holds: text as typed, so the server's validation (not the browser's) decides. */
export interface FormValues {
  preset: string;
  dataset: string;
  folderPath: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  augment: boolean;
  fineTuneLayers: string;
  seed: string;
  /** Data-parallel workers; empty: the trainer's share of its cores. */
  workers: string;
  priority: string;
  name: string;
  /** Settings the form has no input for, kept from a cloned run (sent as they are). */
  extra: ExtraSettings;
}

export type ExtraSettings = Omit<Partial<RunConfigInput>, 'preset'>;

export type NumericKey =
  'epochs' | 'batchSize' | 'learningRate' | 'fineTuneLayers' | 'seed' | 'workers' | 'priority';

/** The fields the run form shows an error beside; errors on any other field are listed on top. */
export const PLACED_FIELDS = [
  'preset',
  'dataset',
  'epochs',
  'batchSize',
  'learningRate',
  'augment',
  'fineTuneLayers',
  'seed',
  'workers',
  'priority',
  'name',
];

/** The dataset select's value for "your image folder…". */
export const FOLDER = 'folder:';

/** The form starts on the lab's CNN (tiny-cnn is a smoke test, not where a newcomer should start). */
export function defaultPreset(presets: Preset[]): Preset | undefined {
  return presets.find((preset) => preset.name === 'seed-cnn') ?? presets[0];
}

export function valuesFor(preset: Preset, previous?: FormValues): FormValues {
  const d = preset.defaults;
  return {
    preset: preset.name,
    dataset: previous?.dataset ?? d.dataset,
    folderPath: previous?.folderPath ?? '',
    epochs: String(d.epochs),
    batchSize: String(d.batchSize),
    learningRate: String(d.learningRate),
    augment: d.augment,
    fineTuneLayers: String(d.fineTuneLayers),
    seed: previous?.seed ?? String(d.seed),
    workers: previous?.workers ?? '',
    priority: previous?.priority ?? '0',
    name: previous?.name ?? '',
    extra: previous?.extra ?? {},
  };
}

/** The config fields the run form has inputs for (the rest of a cloned config goes in `extra`). */
const FORM_CONFIG_FIELDS = new Set([
  'preset',
  'presetVersion',
  'dataset',
  'epochs',
  'batchSize',
  'learningRate',
  'augment',
  'fineTuneLayers',
  'seed',
  'workers',
]);

/**
 * The form prefilled with a run's config ("Clone"): its preset, dataset and the values the form
 * shows, plus every other setting that differs from the preset's defaults as `extra`.
 */
export function valuesFromConfig(config: RunConfig, preset: Preset): FormValues {
  const folder = config.dataset.startsWith(FOLDER);
  const defaults: Record<string, unknown> = preset.defaults;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (FORM_CONFIG_FIELDS.has(key)) continue;
    if (JSON.stringify(value) !== JSON.stringify(defaults[key])) extra[key] = value;
  }
  return {
    preset: preset.name,
    dataset: folder ? FOLDER : config.dataset,
    folderPath: folder ? config.dataset.slice(FOLDER.length) : '',
    epochs: String(config.epochs),
    batchSize: String(config.batchSize),
    learningRate: String(config.learningRate),
    augment: config.augment,
    fineTuneLayers: String(config.fineTuneLayers),
    seed: String(config.seed),
    workers: config.workers === null ? '' : String(config.workers),
    priority: '0',
    name: '',
    extra,
  };
}

/** "" → undefined (use the preset's value); anything else → a number, NaN included (the server says why). */
export function numberOrUndefined(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

export function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    return data?.fieldErrors ?? {};
  }
  return {};
}

export function datasetValue(dataset: string, folderPath: string): string {
  return dataset === FOLDER ? `${FOLDER}${folderPath.trim()}` : dataset;
}

/** The `runs.queue` input for the form's values. */
export function queueInputOf(values: FormValues): RouterInputs['runs']['queue'] {
  return {
    config: {
      ...values.extra,
      preset: values.preset as Preset['name'],
      dataset: datasetValue(values.dataset, values.folderPath),
      epochs: numberOrUndefined(values.epochs),
      batchSize: numberOrUndefined(values.batchSize),
      learningRate: numberOrUndefined(values.learningRate),
      augment: values.augment,
      fineTuneLayers: numberOrUndefined(values.fineTuneLayers),
      seed: numberOrUndefined(values.seed),
      workers: numberOrUndefined(values.workers),
    },
    priority: numberOrUndefined(values.priority),
    name: values.name.trim() === '' ? undefined : values.name,
  };
}
