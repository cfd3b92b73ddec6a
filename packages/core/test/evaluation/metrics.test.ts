import { describe, expect, it } from 'vitest';
import {
  classificationReport,
  confusionMatrix,
  mostConfidentMisclassified,
  overfittingGap,
  predictedLabels,
  scoreProbabilities,
} from '../../src/index.ts';

describe('confusionMatrix', () => {
  it('counts rows = truth, columns = prediction', () => {
    expect(confusionMatrix([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 0], 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [2, 0, 0],
    ]);
  });

  it('rejects labels outside the classes and mismatched lengths', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/outside 0..2/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/1 labels but yPred has 2/);
  });
});

describe('classificationReport (scikit-learn semantics)', () => {
  it('scores a class that is never predicted as 0 (zero_division=0)', () => {
    // Hand-computed: a: P=1/3 R=1/2 F1=0.4; b: P=2/3 R=1 F1=0.8; c: never predicted → 0, 0, 0.
    const report = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 0, 0], ['a', 'b', 'c']);
    const [a, b, c] = report.perClass;
    expect(a?.label).toBe('a');
    expect(a?.precision).toBeCloseTo(1 / 3, 12);
    expect(a?.recall).toBeCloseTo(0.5, 12);
    expect(a?.f1).toBeCloseTo(0.4, 12);
    expect(b?.precision).toBeCloseTo(2 / 3, 12);
    expect(b?.recall).toBe(1);
    expect(b?.f1).toBeCloseTo(0.8, 12);
    expect(c).toEqual({ label: 'c', precision: 0, recall: 0, f1: 0, support: 2 });
    expect(report.macroAvg.precision).toBeCloseTo(1 / 3, 12);
    expect(report.macroAvg.recall).toBeCloseTo(0.5, 12);
    expect(report.macroAvg.f1).toBeCloseTo(0.4, 12);
    expect(report.macroAvg.support).toBe(6);
    expect(report.accuracy).toBeCloseTo(0.5, 12);
  });

  it('weights the weighted average by support', () => {
    // a: P=1 R=2/3 F1=0.8 (support 3); b: P=1/2 R=1 F1=2/3 (support 1).
    const report = classificationReport([0, 0, 0, 1], [0, 0, 1, 1], ['a', 'b']);
    expect(report.weightedAvg.precision).toBeCloseTo(0.875, 12);
    expect(report.weightedAvg.recall).toBeCloseTo(0.75, 12);
    expect(report.weightedAvg.f1).toBeCloseTo((3 * 0.8 + 2 / 3) / 4, 12);
    expect(report.macroAvg.f1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    expect(report.accuracy).toBe(0.75);
  });

  it('gives a class absent from the truth zero recall and zero support', () => {
    const report = classificationReport([0, 0], [0, 1], ['a', 'b']);
    expect(report.perClass[1]).toEqual({ label: 'b', precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

describe('overfittingGap', () => {
  it('is max train accuracy − max validation accuracy (the lab definition)', () => {
    const gap = overfittingGap([
      { acc: 0.5, valAcc: 0.4 },
      { acc: 0.9, valAcc: 0.6 },
      { acc: 0.8, valAcc: 0.7 },
    ]);
    expect(gap).toBeCloseTo(0.2, 12);
  });
});

describe('mostConfidentMisclassified', () => {
  it('lists wrong predictions by confidence, most confident first', () => {
    const probs = [
      [0.9, 0.05, 0.05], // true 0, right
      [0.1, 0.8, 0.1], // true 2 → predicted 1 at 0.8
      [0.2, 0.2, 0.6], // true 1 → predicted 2 at 0.6
      [0.05, 0.05, 0.9], // true 0 → predicted 2 at 0.9
    ].flat();
    expect(mostConfidentMisclassified(probs, [0, 2, 1, 0], 2)).toEqual([
      { index: 3, trueLabel: 0, predictedLabel: 2, confidence: 0.9 },
      { index: 1, trueLabel: 2, predictedLabel: 1, confidence: 0.8 },
    ]);
    expect(predictedLabels(probs, 3)).toEqual(Int32Array.from([0, 1, 2, 2]));
  });
});

describe('scoreProbabilities', () => {
  it('computes mean cross-entropy and accuracy as Keras does', () => {
    const { loss, acc } = scoreProbabilities(Float32Array.from([0.5, 0.5, 0.9, 0.1]), [0, 1], 2);
    expect(loss).toBeCloseTo((-Math.log(0.5) - Math.log(0.1)) / 2, 6);
    expect(acc).toBe(0.5);
  });
});
