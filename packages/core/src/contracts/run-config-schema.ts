/**
 * The run configuration: the one source of truth shared by the CLI, the database, the trainer and the
 * web app. A user supplies a `RunConfigInput` (a preset name plus overrides); `resolveRunConfig` merges it
 * onto the preset's defaults and validates the result, so every stored run carries a complete config.
 */
import { z } from 'zod';
import { formatZodIssue } from './zod-issue.ts';

export { firstIssuePath, formatZodIssue } from './zod-issue.ts';
export {
  EPOCH_PHASES,
  epochMetricsSchema,
  epochPhaseSchema,
  type EpochMetrics,
  type EpochPhase,
} from './epoch-metrics.ts';
export {
  BACKEND_PREFERENCES,
  backendPreferenceSchema,
  type BackendPreference,
} from '../backend/backend-preference.ts';
export {
  ACTIVE_RUN_STATUSES,
  groupIdSchema,
  isActiveRunStatus,
  isRunId,
  isRunStatus,
  PRIORITY_MAX,
  PRIORITY_MIN,
  prioritySchema,
  RUN_STATUSES,
  runIdSchema,
  runNameSchema,
  runStatusSchema,
  type RunStatus,
} from './run-contract.ts';

export const PRESET_NAMES = [
  'seed-cnn',
  'seed-transfer',
  'transfer-plus',
  'cnn-plus',
  'tiny-cnn',
] as const;
export const presetNameSchema = z.enum(PRESET_NAMES);
export type PresetName = z.infer<typeof presetNameSchema>;

/** Presets that train a MobileNetV2 head (frozen), then optionally fine-tune it. */
export function isTransferPreset(preset: PresetName): boolean {
  return preset === 'seed-transfer' || preset === 'transfer-plus';
}

export const BUILTIN_DATASETS = ['synthetic', 'cifar10', 'mnist', 'fashion-mnist'] as const;
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number];
/** The built-in datasets `convlab data fetch` (and the dashboard's Fetch button) can download. */
export const FETCHABLE_DATASETS = ['cifar10', 'mnist', 'fashion-mnist'] as const;
export type FetchableDataset = (typeof FETCHABLE_DATASETS)[number];
export function isFetchableDataset(name: string): name is FetchableDataset {
  return (FETCHABLE_DATASETS as readonly string[]).includes(name);
}
/** A built-in dataset name, or `folder:<path>` for a user's image folder (`root/<class>/*.png`). */
export const datasetNameSchema = z.union([
  z.enum(BUILTIN_DATASETS),
  z
    .string()
    .max(1024, 'a folder dataset path is at most 1024 characters')
    .regex(/^folder:[^\0]+$/, 'a folder dataset is written folder:<path>'),
]);
export type DatasetName = z.infer<typeof datasetNameSchema>;

export const BACKBONES = ['mobilenet_v2_1.0', 'mobilenet_v2_0.35'] as const;
export const backboneSchema = z.enum(BACKBONES);
export type Backbone = z.infer<typeof backboneSchema>;

/** How pixels are scaled before the model sees them. The lab fed MobileNetV2 [0,1]; it expects [-1,1]. */
export const INPUT_SCALINGS = ['unit', 'symmetric'] as const;
/** unit = pixel/255 in [0,1]; symmetric = pixel/127.5 − 1 in [−1,1] (MobileNetV2's preprocessing). */
export type InputScaling = (typeof INPUT_SCALINGS)[number];

/** adam: Adam (β1 0.9, β2 0.999). sgd: SGD with Nesterov momentum 0.9. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
/** constant: learningRate throughout. one-cycle: linear warm-up to learningRate over the first 25% of a phase's steps, then linear decay to 0. */
export const LR_SCHEDULES = ['constant', 'one-cycle'] as const;
/** affine: Keras-style rotation/shift/zoom/flip. flip-translate: horizontal flip and a ±2-pixel shift (reflected border). */
export const AUGMENTATIONS = ['affine', 'flip-translate'] as const;

export const MAX_SEED = 2 ** 31 - 1;
/** More data-parallel workers than this is a typo, not a machine. */
export const MAX_WORKERS = 64;
/** The most images a train or test limit may name (more than any dataset convlab can hold). */
const MAX_IMAGES = 10_000_000;

/** Every field of a run config (no defaults: what a user may override). */
const runConfigFields = z
  .object({
    preset: presetNameSchema,
    presetVersion: z.number().int().min(1),
    dataset: datasetNameSchema,
    epochs: z.number().int().min(1).max(500),
    batchSize: z.number().int().min(1).max(2048),
    learningRate: z.number().positive().max(1),
    seed: z.number().int().min(0).max(MAX_SEED),
    /** Fraction of the training set held out (stratified, seeded) for validation. */
    validationSplit: z.number().min(0.01).max(0.5),
    augment: z.boolean(),
    /** Early stopping on val accuracy; 0 turns it off. The best epoch's weights are restored. */
    earlyStoppingPatience: z.number().int().min(0).max(100),
    /** Square input size the images are resized to (32 = CIFAR-10 native). */
    inputSize: z.number().int().min(8).max(320),
    inputScaling: z.enum(INPUT_SCALINGS),
    dropout: z.number().min(0).max(0.95),
    /** Transfer presets only: the pretrained backbone and where its weights come from. */
    backbone: backboneSchema.nullable(),
    weightsUrl: z.string().min(1).max(2048).nullable(),
    /** Phase 2 of transfer learning: unfreeze the last N backbone layers (0 = no fine-tuning). */
    fineTuneLayers: z.number().int().min(0).max(500),
    fineTuneEpochs: z.number().int().min(0).max(500),
    /** Fine-tuning runs at learningRate × this factor (the lab's 10× lower rate). */
    fineTuneLearningRateFactor: z.number().positive().max(1),
    /** Optional caps on how many training / test images are used (quick experiments and tests). */
    trainLimit: z.number().int().min(10).max(MAX_IMAGES).nullable(),
    testLimit: z.number().int().min(10).max(MAX_IMAGES).nullable(),
    optimizer: z.enum(OPTIMIZERS),
    lrSchedule: z.enum(LR_SCHEDULES),
    /** L2 penalty on conv and dense kernels (as SGD weight decay: the gradient gains weightDecay·w). */
    weightDecay: z.number().min(0).max(0.1),
    /** Targets become (1 − ε)·one-hot + ε/classes. */
    labelSmoothing: z.number().min(0).max(0.5),
    /** Which augmentation `augment` turns on. */
    augmentation: z.enum(AUGMENTATIONS),
    /**
     * Data-parallel worker threads for the run: an upper bound on its trainer's share of the cores
     * (null: that share). The gradients of each step are averaged, so the result does not depend on it.
     */
    workers: z.number().int().min(1).max(MAX_WORKERS).nullable(),
  })
  .strict();

/** Each field's own schema (what a sweep's values are checked and typed against). */
export const runConfigFieldShape = runConfigFields.shape;

/**
 * A fully resolved run config, as stored on every run. The fields added with cnn-plus v2 default to
 * what every run did before them, so configs stored earlier stay valid and mean the same.
 */
export const runConfigSchema = runConfigFields.extend({
  optimizer: runConfigFields.shape.optimizer.default('adam'),
  lrSchedule: runConfigFields.shape.lrSchedule.default('constant'),
  weightDecay: runConfigFields.shape.weightDecay.default(0),
  labelSmoothing: runConfigFields.shape.labelSmoothing.default(0),
  augmentation: runConfigFields.shape.augmentation.default('affine'),
  workers: runConfigFields.shape.workers.default(null),
});

export type RunConfig = z.infer<typeof runConfigSchema>;

/** What a user may specify: a preset and any overrides. */
export const runConfigInputSchema = runConfigFields
  .omit({ presetVersion: true })
  .partial()
  .extend({ preset: presetNameSchema })
  .strict();
export type RunConfigInput = z.infer<typeof runConfigInputSchema>;

export interface PresetDefinition {
  name: PresetName;
  version: number;
  title: string;
  description: string;
  defaults: Omit<RunConfig, 'preset' | 'presetVersion'>;
}

const COMMON = {
  dataset: 'cifar10',
  seed: 42,
  validationSplit: 0.1,
  augment: false,
  earlyStoppingPatience: 3,
  inputSize: 32,
  inputScaling: 'unit',
  dropout: 0,
  backbone: null,
  weightsUrl: null,
  fineTuneLayers: 0,
  fineTuneEpochs: 0,
  fineTuneLearningRateFactor: 0.1,
  trainLimit: null,
  testLimit: null,
  optimizer: 'adam',
  lrSchedule: 'constant',
  weightDecay: 0,
  labelSmoothing: 0,
  augmentation: 'affine',
  workers: null,
} as const satisfies Partial<PresetDefinition['defaults']>;

export const PRESETS: Record<PresetName, PresetDefinition> = {
  'seed-cnn': {
    name: 'seed-cnn',
    version: 1,
    title: "The lab's CNN",
    description:
      'Conv(32)→Pool→Conv(64)→Pool→Dense(512)→Dense(10); Adam 1e-3, batch 128, ≤10 epochs, early stopping on val accuracy.',
    defaults: { ...COMMON, epochs: 10, batchSize: 128, learningRate: 1e-3 },
  },
  'seed-transfer': {
    name: 'seed-transfer',
    version: 1,
    title: "The lab's transfer model",
    description:
      'Frozen ImageNet MobileNetV2 at 32×32 with [0,1] inputs, Flatten→Dense(10). Reproduces the lab’s failure mode.',
    defaults: {
      ...COMMON,
      epochs: 10,
      batchSize: 128,
      learningRate: 1e-3,
      backbone: 'mobilenet_v2_1.0',
    },
  },
  'transfer-plus': {
    name: 'transfer-plus',
    version: 2,
    title: 'Transfer learning done right',
    description:
      'MobileNetV2 at 96×96 with [-1,1] inputs, GlobalAveragePooling→Dropout→Dense; a frozen phase, then ' +
      'fine-tunes the last 20 layers at 0.3× the rate (on cached trunk activations), one-cycle schedule ' +
      'and label smoothing. ≥ 88% on CIFAR-10.',
    defaults: {
      ...COMMON,
      epochs: 5,
      batchSize: 64,
      learningRate: 1e-3,
      lrSchedule: 'one-cycle',
      labelSmoothing: 0.1,
      earlyStoppingPatience: 0,
      inputSize: 96,
      inputScaling: 'symmetric',
      dropout: 0.2,
      backbone: 'mobilenet_v2_1.0',
      fineTuneLayers: 20,
      fineTuneEpochs: 4,
      fineTuneLearningRateFactor: 0.3,
    },
  },
  'cnn-plus': {
    name: 'cnn-plus',
    version: 2,
    title: 'A stronger CNN from scratch',
    description:
      'Patch-whitening stem, three conv blocks with BatchNorm (32-64-64), global max pooling; SGD with ' +
      'Nesterov momentum on a one-cycle schedule, label smoothing, flip + translate augmentation. ' +
      '≥ 85% on CIFAR-10 in 10 epochs.',
    defaults: {
      ...COMMON,
      epochs: 10,
      batchSize: 256,
      learningRate: 0.2,
      optimizer: 'sgd',
      lrSchedule: 'one-cycle',
      weightDecay: 5e-4,
      labelSmoothing: 0.2,
      augment: true,
      augmentation: 'flip-translate',
      earlyStoppingPatience: 0,
    },
  },
  'tiny-cnn': {
    name: 'tiny-cnn',
    version: 1,
    title: 'Tiny CNN (smoke tests)',
    description:
      'Conv(8)→Pool→Conv(16)→Pool→Dense(32)→Dense(classes). Trains in seconds; for checks and demos.',
    defaults: {
      ...COMMON,
      dataset: 'synthetic',
      epochs: 3,
      batchSize: 32,
      learningRate: 3e-3,
      earlyStoppingPatience: 0,
    },
  },
};

/** Merge a user's overrides onto the preset's defaults and validate the whole. Throws a ZodError. */
export function resolveRunConfig(input: unknown): RunConfig {
  const parsed = runConfigInputSchema.parse(input);
  const preset = PRESETS[parsed.preset];
  const merged = { ...preset.defaults, ...stripUndefined(parsed), presetVersion: preset.version };
  return runConfigSchema.parse(merged);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One line naming the first invalid field, for CLI errors and form messages. */
export function describeConfigError(error: z.ZodError): string {
  return formatZodIssue(error, 'config');
}
