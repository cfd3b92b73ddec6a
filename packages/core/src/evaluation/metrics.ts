/**
 * Classification metrics as pure functions over label arrays, with scikit-learn's semantics
 * (`confusion_matrix`, `classification_report(..., zero_division=0)`), so numbers compare with the lab's.
 */

import type { ClassScores, PerClassScores } from '../contracts/run-report.ts';

export interface ClassificationReport {
  perClass: PerClassScores[];
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
  accuracy: number;
}

/** A wrong prediction by class index (the report's MisclassifiedExample names the classes). */
export interface ScoredMistake {
  /** Index of the image in the evaluated set. */
  index: number;
  trueLabel: number;
  predictedLabel: number;
  /** Probability the model gave its (wrong) prediction. */
  confidence: number;
}

type Labels = ArrayLike<number>;

function checkLabels(yTrue: Labels, yPred: Labels, numClasses: number): void {
  if (yTrue.length !== yPred.length)
    throw new Error(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  for (const labels of [yTrue, yPred]) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] ?? -1;
      if (!Number.isInteger(label) || label < 0 || label >= numClasses)
        throw new Error(`label ${label} at index ${i} is outside 0..${numClasses - 1}`);
    }
  }
}

/** counts[t][p] = how many images of true class t were predicted as p (rows = truth). */
export function confusionMatrix(yTrue: Labels, yPred: Labels, numClasses: number): number[][] {
  checkLabels(yTrue, yPred, numClasses);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = matrix[yTrue[i] ?? 0];
    if (row) row[yPred[i] ?? 0] = (row[yPred[i] ?? 0] ?? 0) + 1;
  }
  return matrix;
}

/** a / b, or 0 when b is 0 (scikit-learn's zero_division=0). */
function safeDivide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Per-class precision/recall/F1/support, their macro and support-weighted averages, and accuracy. */
export function classificationReport(
  yTrue: Labels,
  yPred: Labels,
  classNames: string[],
): ClassificationReport {
  const numClasses = classNames.length;
  const matrix = confusionMatrix(yTrue, yPred, numClasses);
  const perClass = classNames.map((label, c): PerClassScores => {
    const truePositives = matrix[c]?.[c] ?? 0;
    const support = (matrix[c] ?? []).reduce((sum, n) => sum + n, 0);
    const predicted = matrix.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    const precision = safeDivide(truePositives, predicted);
    const recall = safeDivide(truePositives, support);
    const f1 = safeDivide(2 * precision * recall, precision + recall);
    return { label, precision, recall, f1, support };
  });
  const total = perClass.reduce((sum, s) => sum + s.support, 0);
  const average = (weight: (s: PerClassScores) => number, denominator: number): ClassScores => ({
    precision: safeDivide(
      perClass.reduce((sum, s) => sum + weight(s) * s.precision, 0),
      denominator,
    ),
    recall: safeDivide(
      perClass.reduce((sum, s) => sum + weight(s) * s.recall, 0),
      denominator,
    ),
    f1: safeDivide(
      perClass.reduce((sum, s) => sum + weight(s) * s.f1, 0),
      denominator,
    ),
    support: total,
  });
  const correct = matrix.reduce((sum, row, c) => sum + (row[c] ?? 0), 0);
  return {
    perClass,
    macroAvg: average(() => 1, numClasses),
    weightedAvg: average((s) => s.support, total),
    accuracy: safeDivide(correct, yTrue.length),
  };
}

/** The lab's overfitting gap: best training accuracy − best validation accuracy over the epochs. */
export function overfittingGap(history: readonly { acc: number; valAcc: number }[]): number {
  if (history.length === 0) throw new Error('overfittingGap: no epochs');
  return Math.max(...history.map((e) => e.acc)) - Math.max(...history.map((e) => e.valAcc));
}

/** Index of the largest of `numClasses` values starting at `offset` (first one wins ties). */
function argmaxRow(probs: ArrayLike<number>, offset: number, numClasses: number): number {
  let best = 0;
  for (let c = 1; c < numClasses; c++) {
    if ((probs[offset + c] ?? -Infinity) > (probs[offset + best] ?? -Infinity)) best = c;
  }
  return best;
}

/** Predicted class per row of a row-major [count × numClasses] probability matrix. */
export function predictedLabels(probs: ArrayLike<number>, numClasses: number): Int32Array {
  if (probs.length % numClasses !== 0)
    throw new Error(`probs length ${probs.length} is not a multiple of ${numClasses} classes`);
  const count = probs.length / numClasses;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = argmaxRow(probs, i * numClasses, numClasses);
  return labels;
}

/** The `n` wrong predictions the model was most sure of, most confident first. */
export function mostConfidentMisclassified(
  probs: ArrayLike<number>,
  yTrue: Labels,
  n: number,
): ScoredMistake[] {
  if (yTrue.length === 0) return [];
  if (probs.length % yTrue.length !== 0)
    throw new Error(`probs length ${probs.length} does not fit ${yTrue.length} labels`);
  const numClasses = probs.length / yTrue.length;
  const mistakes: ScoredMistake[] = [];
  for (let i = 0; i < yTrue.length; i++) {
    const predictedLabel = argmaxRow(probs, i * numClasses, numClasses);
    const trueLabel = yTrue[i] ?? 0;
    if (predictedLabel !== trueLabel) {
      const confidence = probs[i * numClasses + predictedLabel] ?? 0;
      mistakes.push({ index: i, trueLabel, predictedLabel, confidence });
    }
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, Math.max(0, n));
}
