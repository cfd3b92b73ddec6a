/**
 * Facts the report derives from the stored runs (never from anything else): which runs share a test
 * set, the dataset's sizes and balance, how configs differ, the most confused class pairs.
 */
import type { RunConfig } from '../contracts/run-config-schema.ts';
import type { ReportRun } from './lab-report-input.ts';
import { formatCount } from './report-format.ts';

/** Runs evaluated on exactly the same test images: same dataset and the same true-label list. */
export interface TestSetGroup {
  /** "synthetic (200 test images)", numbered when two groups would read the same. */
  label: string;
  dataset: string;
  testImages: number;
  runs: ReportRun[];
}

export function testSetGroups(runs: readonly ReportRun[]): TestSetGroup[] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    // The labels array stands for the test images: the same dataset, split and limit give the same one.
    const key = `${run.dataset}\n${run.testLabels.join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const described = [...groups.values()].map((members) => {
    const first = members[0] as ReportRun;
    return {
      label: `${first.dataset} (${formatCount(first.testLabels.length)} test images)`,
      dataset: first.dataset,
      testImages: first.testLabels.length,
      runs: members,
    };
  });
  const seen = new Map<string, number>();
  for (const group of described) seen.set(group.label, (seen.get(group.label) ?? 0) + 1);
  const numbering = new Map<string, number>();
  return described.map((group) => {
    if ((seen.get(group.label) ?? 0) < 2) return group;
    const number = (numbering.get(group.label) ?? 0) + 1;
    numbering.set(group.label, number);
    return { ...group, label: `${group.label}, test set ${number}` };
  });
}

/** How the report names each run: its name, with its id when another run has the same name. */
export function runLabels(runs: readonly ReportRun[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.name, (counts.get(run.name) ?? 0) + 1);
  return new Map(
    runs.map((run) => [
      run.id,
      (counts.get(run.name) ?? 0) > 1 || run.name.trim() === ''
        ? `${run.name} [${run.id}]`
        : run.name,
    ]),
  );
}

export interface DatasetFacts {
  dataset: string;
  /** Training images after the validation split (from the timing of the run's first phase). */
  trainImages: number | null;
  /** Validation images, worked out from the training count and the config's validation split. */
  validationImages: number | null;
  testImages: number;
  /** The images as the dataset stores them (before resizing to the model's input). */
  imageShape: { height: number; width: number; channels: number } | null;
  /** The model's input size (images are resized to inputSize × inputSize). */
  inputSize: number;
  classNames: string[];
  /** Test images per class (the balance of the test set). */
  testImagesPerClass: number[];
}

/**
 * The validation count splitValidation carves from `total` images is max(1, round(total · split)),
 * leaving `train`: the smallest total that leaves exactly `train` gives the validation count.
 */
export function validationCountFor(train: number, split: number): number | null {
  const estimate = Math.floor(train / (1 - split));
  for (let total = Math.max(train + 1, estimate - 2); total <= estimate + 3; total += 1) {
    const validation = Math.max(1, Math.round(total * split));
    if (total - validation === train) return validation;
  }
  return null;
}

export function datasetFacts(run: ReportRun): DatasetFacts {
  const firstPhase = run.timing?.phases.find((phase) => phase.epochs > 0);
  const trainImages = firstPhase ? Math.round(firstPhase.images / firstPhase.epochs) : null;
  const perClass = run.report.classNames.map(() => 0);
  for (const label of run.testLabels) perClass[label] = (perClass[label] ?? 0) + 1;
  const reference = run.inputReference;
  return {
    dataset: run.dataset,
    trainImages,
    validationImages:
      trainImages === null ? null : validationCountFor(trainImages, run.config.validationSplit),
    testImages: run.testLabels.length,
    imageShape: reference
      ? { height: reference.height, width: reference.width, channels: reference.channels }
      : null,
    inputSize: run.config.inputSize,
    classNames: run.report.classNames,
    testImagesPerClass: perClass,
  };
}

export interface ConfigDifference {
  field: keyof RunConfig;
  /** Each run's value, in the runs' order, as text. */
  values: string[];
}

/** The config fields whose values are not the same in every run, in the config's field order. */
export function configDifferences(runs: readonly ReportRun[]): ConfigDifference[] {
  const first = runs[0];
  if (!first) return [];
  const fields = Object.keys(first.config) as (keyof RunConfig)[];
  return fields.flatMap((field) => {
    const values = runs.map((run) => JSON.stringify(run.config[field] ?? null));
    return new Set(values).size > 1 ? [{ field, values }] : [];
  });
}

/** Most-confused class pairs the report shows per run. */
export const CONFUSED_PAIRS_PER_RUN = 3;

export interface ConfusedPair {
  trueIndex: number;
  predictedIndex: number;
  trueLabel: string;
  predictedLabel: string;
  /** Test images of the true class predicted as the other. */
  count: number;
}

/** The off-diagonal cells of the confusion matrix with the most images, most first (none empty). */
export function mostConfusedPairs(run: ReportRun, limit: number): ConfusedPair[] {
  const names = run.report.classNames;
  const pairs: ConfusedPair[] = [];
  run.report.confusionMatrix.forEach((row, trueIndex) =>
    row.forEach((count, predictedIndex) => {
      if (trueIndex !== predictedIndex && count > 0)
        pairs.push({
          trueIndex,
          predictedIndex,
          trueLabel: names[trueIndex] ?? String(trueIndex),
          predictedLabel: names[predictedIndex] ?? String(predictedIndex),
          count,
        });
    }),
  );
  return pairs.sort((a, b) => b.count - a.count || a.trueIndex - b.trueIndex).slice(0, limit);
}
