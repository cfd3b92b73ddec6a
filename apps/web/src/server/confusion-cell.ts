/**
 * Which test images fall in one confusion-matrix cell (true class × predicted class). Exact when the
 * run's report.json lists every prediction; otherwise mistakes come from the report's misclassified
 * list and, when that list is complete, correct predictions are the remaining images of the class.
 */
import type { MisclassifiedExample } from '@convlab/core/contracts';

export interface CellExample {
  index: number;
  /** The model's probability for its prediction, when the report kept it. */
  confidence: number | null;
}

export interface CellExamples {
  /** The cell's count in the confusion matrix. */
  count: number;
  examples: CellExample[];
  /** False when some of the cell's images cannot be identified from what the run stored. */
  complete: boolean;
}

export interface CellExamplesInput {
  classNames: string[];
  confusionMatrix: number[][];
  misclassified: MisclassifiedExample[];
  /** The test set's labels, or null when the dataset could not be loaded. */
  testLabels: ArrayLike<number> | null;
  /** One predicted class per test image (report.json's `predictions`), when stored. */
  predictions: ArrayLike<number> | null;
  actual: number;
  predicted: number;
  limit: number;
}

export function cellExamples(input: CellExamplesInput): CellExamples {
  const { classNames, confusionMatrix, misclassified, testLabels, predictions, actual, predicted } =
    input;
  const count = confusionMatrix[actual]?.[predicted];
  if (count === undefined) {
    throw new RangeError(
      `no confusion-matrix cell (${actual}, ${predicted}) for ${classNames.length} classes`,
    );
  }
  if (testLabels && predictions && predictions.length === testLabels.length) {
    const examples: CellExample[] = [];
    for (let index = 0; index < testLabels.length && examples.length < input.limit; index += 1) {
      if (testLabels[index] === actual && predictions[index] === predicted) {
        examples.push({ index, confidence: null });
      }
    }
    return { count, examples, complete: true };
  }

  const actualName = classNames[actual];
  const predictedName = classNames[predicted];
  if (actual !== predicted) {
    const matches = misclassified.filter(
      (example) => example.trueLabel === actualName && example.predictedLabel === predictedName,
    );
    return {
      count,
      examples: matches
        .slice(0, input.limit)
        .map(({ index, confidence }) => ({ index, confidence })),
      complete: matches.length >= count,
    };
  }

  // Correct predictions: every image of the class that is not a known mistake — valid only when the
  // misclassified list holds every mistake.
  const totalMistakes = confusionMatrix.reduce(
    (sum, row, r) => sum + row.reduce((rowSum, value, c) => rowSum + (r === c ? 0 : value), 0),
    0,
  );
  if (!testLabels || misclassified.length < totalMistakes)
    return { count, examples: [], complete: false };
  const wrong = new Set(misclassified.map((example) => example.index));
  const examples: CellExample[] = [];
  for (let index = 0; index < testLabels.length && examples.length < input.limit; index += 1) {
    if (testLabels[index] === actual && !wrong.has(index))
      examples.push({ index, confidence: null });
  }
  return { count, examples, complete: true };
}
