/**
 * `loadDataset`: the one entry point the trainer uses. Loads a built-in dataset or an image folder as
 * bytes, applies the train/test limits (stratified, seeded subsets), then carves the stratified, seeded
 * validation split out of the (limited) training images.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  BUILTIN_DATASETS,
  datasetNameSchema,
  describeConfigError,
  type DatasetName,
  type RunConfig,
} from '../contracts/run-config-schema.ts';
import { datasetsDir } from '../paths.ts';
import { loadCifar10 } from './cifar10.ts';
import { defaultDataPolicy, type DataPolicy } from '../policy/data-policy.ts';
import { resolveFolderDataset } from './dataset-location.ts';
import { loadImageFolder } from './image-folder.ts';
import { idxSources } from './dataset-sources.ts';
import { findIdxFile, IDX_FILES, loadIdxDataset } from './idx.ts';
import { verifyIdxFolder } from './idx-verify.ts';
import { deriveSeed, mulberry32 } from './random.ts';
import { limitImageSet, splitValidation } from './split.ts';
import {
  generateSynthetic,
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_DEFAULT_TEST_COUNT,
  SYNTHETIC_DEFAULT_TRAIN_COUNT,
} from './synthetic.ts';
import { NO_SKIPPED_FILES, type LoadedDataset, type RawDataset } from './types.ts';

export const loadDatasetOptionsSchema = z.object({
  seed: z.number().int().min(0),
  /** Fraction of the (limited) training images held out for validation. */
  validationSplit: z.number().gt(0).lt(1).default(0.1),
  /** Cap on the training pool (before the validation split); null = all. */
  trainLimit: z.number().int().min(1).nullable().optional(),
  testLimit: z.number().int().min(1).nullable().optional(),
  /** Image folders are decoded straight to this square size (default 32); other datasets keep theirs. */
  inputSize: z.number().int().min(1).max(1024).optional(),
  /** Where built-in datasets live (default: CONVLAB_DATA_DIR or <repo>/data/datasets). */
  dataDir: z.string().min(1).optional(),
  /** Synthetic dataset sizes before limits (defaults 2000 / 500). */
  syntheticTrainCount: z.number().int().min(10).optional(),
  syntheticTestCount: z.number().int().min(10).optional(),
});
export type LoadDatasetOptions = z.input<typeof loadDatasetOptionsSchema> & {
  /** Where folder datasets may live and how large their images may be (default defaultDataPolicy()). */
  policy?: Pick<DataPolicy, 'datasetRoots' | 'images'>;
};

/**
 * The dataset options a run's config fixes (its seed, split and limits, the size folder images are
 * decoded to), so the trainer and the dashboard load exactly the same images for a run.
 */
export function datasetOptionsFromConfig(
  config: Pick<RunConfig, 'seed' | 'validationSplit' | 'trainLimit' | 'testLimit' | 'inputSize'>,
): Pick<LoadDatasetOptions, 'seed' | 'validationSplit' | 'trainLimit' | 'testLimit' | 'inputSize'> {
  return {
    seed: config.seed,
    validationSplit: config.validationSplit,
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
    inputSize: config.inputSize,
  };
}

function loadSynthetic(seed: number, trainCount: number, testCount: number): RawDataset {
  return {
    classNames: [...SYNTHETIC_CLASS_NAMES],
    train: generateSynthetic(trainCount, deriveSeed(seed, 'synthetic-train')),
    test: generateSynthetic(testCount, deriveSeed(seed, 'synthetic-test')),
    skipped: NO_SKIPPED_FILES,
  };
}

async function loadRaw(
  name: DatasetName,
  options: z.output<typeof loadDatasetOptionsSchema>,
  policy: Pick<DataPolicy, 'datasetRoots' | 'images'>,
): Promise<RawDataset> {
  const dataDir = path.resolve(options.dataDir ?? datasetsDir());
  if (name === 'synthetic') {
    // Generate enough for the limits asked for, so a limit never silently caps below it.
    const trainCount = Math.max(options.syntheticTrainCount ?? SYNTHETIC_DEFAULT_TRAIN_COUNT, 0);
    const testCount = Math.max(options.syntheticTestCount ?? SYNTHETIC_DEFAULT_TEST_COUNT, 0);
    return loadSynthetic(
      options.seed,
      Math.max(trainCount, options.trainLimit ?? 0),
      Math.max(testCount, options.testLimit ?? 0),
    );
  }
  if (name === 'cifar10') return loadCifar10(path.join(dataDir, 'cifar10'));
  if (name === 'mnist' || name === 'fashion-mnist') {
    const dir = path.join(dataDir, name);
    // Contents checked against the dataset's checksums (once per version of the files) before they
    // are parsed; missing files are left to the loader, which names them all.
    if (Object.values(IDX_FILES).every((file) => findIdxFile(dir, file) !== null))
      await verifyIdxFolder(name, dir, idxSources()[name]);
    return loadIdxDataset(name, dir);
  }
  const root = await resolveFolderDataset(name, policy.datasetRoots);
  return loadImageFolder(root, {
    size: options.inputSize ?? 32,
    seed: options.seed,
    limits: policy.images,
  });
}

export async function loadDataset(
  name: DatasetName,
  options: LoadDatasetOptions,
): Promise<LoadedDataset> {
  const nameCheck = datasetNameSchema.safeParse(name);
  if (!nameCheck.success) {
    throw new Error(
      `unknown dataset "${name}": use ${BUILTIN_DATASETS.join(', ')} or folder:<path>`,
    );
  }
  const datasetName = nameCheck.data;
  const optionsCheck = loadDatasetOptionsSchema.safeParse(options);
  if (!optionsCheck.success)
    throw new Error(`loadDataset ${describeConfigError(optionsCheck.error)}`);
  const parsed = optionsCheck.data;
  const raw = await loadRaw(datasetName, parsed, options.policy ?? defaultDataPolicy());
  const trainPool = limitImageSet(
    raw.train,
    parsed.trainLimit,
    mulberry32(deriveSeed(parsed.seed, 'train-limit')),
  );
  const test = limitImageSet(
    raw.test,
    parsed.testLimit,
    mulberry32(deriveSeed(parsed.seed, 'test-limit')),
  );
  const { train, val } = splitValidation(
    trainPool,
    parsed.validationSplit,
    mulberry32(deriveSeed(parsed.seed, 'validation-split')),
  );
  return {
    name: datasetName,
    classNames: raw.classNames,
    train,
    val,
    test,
    skipped: raw.skipped,
  };
}
