/** Report runs built from predictions with the real metrics functions, for the report's unit tests. */
import { resolveRunConfig, type PresetName } from '../../src/contracts/run-config-schema.ts';
import type { EpochMetrics } from '../../src/contracts/epoch-metrics.ts';
import {
  classificationReport,
  confusionMatrix,
  overfittingGap,
} from '../../src/evaluation/metrics.ts';
import type { ReportRun } from '../../src/report/index.ts';

export const CLASS_NAMES = ['cat', 'dog', 'ship'];

/** `count` labels cycling through the classes. */
export function cyclingLabels(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i % CLASS_NAMES.length);
}

/** The labels with the images at `wrong` predicted as the next class. */
export function predictionsWithMistakes(labels: number[], wrong: Iterable<number>): number[] {
  const predictions = [...labels];
  for (const i of wrong) predictions[i] = ((labels[i] ?? 0) + 1) % CLASS_NAMES.length;
  return predictions;
}

export function epochsFrom(rows: [acc: number, valAcc: number, valLoss: number][]): EpochMetrics[] {
  return rows.map(([acc, valAcc, valLoss], i) => ({
    epoch: i + 1,
    phase: 'train',
    loss: 1 - acc,
    acc,
    valLoss,
    valAcc,
    lr: 1e-3,
    seconds: 1,
  }));
}

export function reportRun(options: {
  id: string;
  name?: string;
  preset?: PresetName;
  dataset?: string;
  labels: number[];
  predictions: number[];
  epochs?: EpochMetrics[];
  config?: Record<string, unknown>;
}): ReportRun {
  const { labels, predictions } = options;
  const scores = classificationReport(labels, predictions, CLASS_NAMES);
  const epochs =
    options.epochs ??
    epochsFrom([
      [0.5, 0.45, 1.0],
      [0.6, 0.55, 0.9],
    ]);
  return {
    id: options.id,
    name: options.name ?? options.id,
    status: 'completed',
    dataset: options.dataset ?? 'synthetic',
    config: resolveRunConfig({
      preset: options.preset ?? 'tiny-cnn',
      dataset: options.dataset ?? 'synthetic',
      ...options.config,
    }),
    epochs,
    report: {
      testLoss: 0.5,
      testAcc: scores.accuracy,
      overfittingGap: overfittingGap(epochs),
      classNames: CLASS_NAMES,
      perClass: scores.perClass,
      macroAvg: scores.macroAvg,
      weightedAvg: scores.weightedAvg,
      confusionMatrix: confusionMatrix(labels, predictions, CLASS_NAMES.length),
      misclassified: [],
    },
    inputReference: null,
    modelSummary: null,
    timing: null,
    backend: 'wasm',
    backendDevice: null,
    finishedAt: null,
    predictions,
    testLabels: labels,
    gradCam: null,
  };
}
