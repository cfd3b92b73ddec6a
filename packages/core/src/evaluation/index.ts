// Public API of evaluation (re-exported from @convlab/core).
export {
  classificationReport,
  type ClassificationReport,
  confusionMatrix,
  mostConfidentMisclassified,
  overfittingGap,
  predictedLabels,
  type ScoredMistake,
} from './metrics.ts';
export {
  evaluateModel,
  type EvaluateOptions,
  type Evaluation,
  predictInBatches,
  PredictionStopped,
  scoreProbabilities,
  testBatchInput,
} from './evaluate.ts';
export {
  type ClassProbability,
  decodeForPrediction,
  imageForPrediction,
  type ImagePrediction,
  predictImages,
  type PredictionConfig,
  predictStoredImages,
  probabilityRow,
  storedImageFromDecoded,
  storedImageSet,
  storedImageShape,
  type StoredImageShape,
  topClasses,
} from './predict.ts';
export {
  assessInput,
  computeInputReference,
  imageStatistics,
  type InputAssessment,
  inputReferenceFromReportFile,
  percentiles,
} from './input-reference.ts';
