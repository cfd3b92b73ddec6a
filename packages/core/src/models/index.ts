// Public API of the model zoo (re-exported from @convlab/core).
export {
  buildModel,
  type BuildModelOptions,
  compileForTraining,
  type ConvlabModel,
  countParams,
  createOptimizer,
  disposeConvlabModel,
  isTransferPreset,
  prepareFineTuning,
  setLearningRate,
  type TransferParts,
} from './build.ts';
export {
  buildCnnPlus,
  buildCnnPlusV1,
  buildSeedCnn,
  buildTinyCnn,
  CNN_PLUS_V1_DENSE_UNITS,
  CNN_PLUS_V1_FILTERS,
  CNN_PLUS_WIDTHS,
  type CnnOptions,
  WHITENING_LAYER,
  WHITENING_PATCH,
} from './cnn.ts';
export {
  fuseBackbone,
  loadMobileNetV2,
  type LoadMobileNetV2Options,
  localMobileNetV2Dir,
  officialMobileNetV2Url,
  PretrainedWeightsError,
  resolveMobileNetV2Location,
} from './mobilenet.ts';
export {
  fileLoadHandler,
  fileSaveHandler,
  loadLayersModelFrom,
  loadLayersModelFromFiles,
  modelJsonPath,
  saveModelToDir,
  writeDirAtomically,
} from './file-io.ts';
export {
  initPatchWhitening,
  patchCovariance,
  patchWhiteningKernel,
  symmetricEigen,
  WHITENING_EPSILON,
  WHITENING_IMAGES,
} from './patch-whitening.ts';
export {
  fastBatchNormalization,
  FastBatchNormalization,
  leanConv2d,
  LeanConv2D,
} from './fast-layers.ts';
export { type ModelSplit, splitModel } from './split-model.ts';
export { checkWeightsUrl, WeightsLocationError, type WeightsPolicy } from './weights-location.ts';
export { summarizeModel } from './summarize-model.ts';
