// Public API of the data layer (re-exported from @convlab/core).
export {
  type ImageSet,
  type LoadedDataset,
  NO_SKIPPED_FILES,
  type PixelBox,
  type RawDataset,
  type SkippedFiles,
} from './types.ts';
export {
  deriveSeed,
  mulberry32,
  randomInt,
  randomUniform,
  type Rng,
  shuffledIndices,
  shuffleInPlace,
} from './random.ts';
export {
  limitImageSet,
  splitValidation,
  stratifiedSelect,
  type StratifiedSelection,
  subsetImageSet,
} from './split.ts';
export {
  generateSynthetic,
  generateSyntheticWithBoxes,
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_COLOURS,
  SYNTHETIC_DEFAULT_TEST_COUNT,
  SYNTHETIC_DEFAULT_TRAIN_COUNT,
  SYNTHETIC_SHAPES,
  SYNTHETIC_SIZE,
  type SyntheticOptions,
} from './synthetic.ts';
export { type AffineInverse, type ImageShape, resizeBilinear, warpAffine } from './image-ops.ts';
export {
  augmentBatch,
  augmentImages,
  type AugmentParams,
  augmentParamsSchema,
  augmentPolicy,
  type AugmentPolicy,
  DEFAULT_AUGMENT,
  flipTranslateImages,
  randomTransform,
} from './augment.ts';
export {
  type Batch,
  type BatchOptions,
  epochBatches,
  epochBatchIndices,
  type EpochBatchOptions,
  labelTargets,
  makeBatch,
} from './batch.ts';
export {
  CIFAR10_BATCHES_DIR,
  CIFAR10_CLASS_NAMES,
  CIFAR10_IMAGE_BYTES,
  CIFAR10_RECORD_BYTES,
  CIFAR10_TEST_FILE,
  CIFAR10_TRAIN_FILES,
  cifar10BatchesDir,
  type Cifar10Expectations,
  loadCifar10,
  OFFICIAL_CIFAR10,
  parseCifar10Records,
  verifyCifar10Files,
  writeCifar10Record,
} from './cifar10.ts';
export {
  FASHION_MNIST_CLASS_NAMES,
  findIdxFile,
  grayscaleToRgb,
  hasGzipMagic,
  IDX_FILES,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  IDX_MAX_BYTES,
  loadIdxDataset,
  loadIdxPair,
  MNIST_CLASS_NAMES,
  parseIdxImages,
  parseIdxLabels,
  readIdxBytes,
} from './idx.ts';
export {
  checkClasses,
  FOLDER_TEST_FRACTION,
  type ImageFolderOptions,
  listDirs,
  listImages,
  loadFolderImage,
  loadImageFolder,
  readImageFile,
  SkipLog,
} from './image-folder.ts';
export {
  datasetOptionsFromConfig,
  loadDataset,
  type LoadDatasetOptions,
  loadDatasetOptionsSchema,
} from './load-dataset.ts';
export { md5OfFile, VERIFIED_MARKER } from './file-checksums.ts';
export {
  checkImageFileSize,
  checkImageHeader,
  type DecodedImage,
  decodeImage,
  DEFAULT_IMAGE_LIMITS,
  type ImageDecoder,
  type ImageHeader,
  type ImageLimits,
  ImageRejected,
  MAX_JPEG_SCANS,
  MAX_PROGRESSIVE_PIXEL_SCANS,
  readImageHeader,
  type RejectionKind,
  rgbaToRgb,
} from './image-decode.ts';
export {
  DecodePoolBusy,
  ImageDecodePool,
  type ImageDecodePoolOptions,
} from './image-decode-pool.ts';
export {
  checkFolderDataset,
  DatasetLocationError,
  resolveFolderDataset,
} from './dataset-location.ts';
export { encodeImagePng } from './image-encode.ts';
export { builtinDatasetStatus, type DatasetState, type DatasetStatus } from './dataset-status.ts';
export { scanImageFolder } from './folder-scan.ts';
export { idxSources, type IdxSource } from './dataset-sources.ts';
export {
  importDataset,
  type ImportDatasetOptions,
  type ImportDatasetResult,
  isPlainTarFile,
} from './import-dataset.ts';
