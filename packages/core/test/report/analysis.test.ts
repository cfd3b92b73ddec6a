import { describe, expect, it } from 'vitest';
import {
  analyseRuns,
  formatLoss,
  formatPercent,
  formatPoints,
  formatPValue,
  formatScore,
  formatSignedPoints,
  mcnemarTest,
  parseLabReportInput,
  type AnalysisSentence,
  type ReportRun,
} from '../../src/report/index.ts';
import { cyclingLabels, epochsFrom, predictionsWithMistakes, reportRun } from './report-fixture.ts';

const labels = cyclingLabels(60);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

function analyse(runs: ReportRun[]): AnalysisSentence[] {
  return analyseRuns(parseLabReportInput({ generatedAt: '2026-01-01T00:00:00Z', runs }));
}
function only(sentences: AnalysisSentence[], topic: AnalysisSentence['topic'], runId?: string) {
  const found = sentences.filter((s) => s.topic === topic && (!runId || s.runIds.includes(runId)));
  expect(found, topic).toHaveLength(1);
  return found[0] as AnalysisSentence;
}

// cnn: wrong on 5 images; transfer: wrong on 20 (overlapping on the first 5).
const cnn = reportRun({
  id: 'cnn',
  preset: 'seed-cnn',
  labels,
  predictions: predictionsWithMistakes(labels, range(0, 5)),
  epochs: epochsFrom([
    [0.6, 0.55, 0.9],
    [0.8, 0.62, 0.7],
    [0.95, 0.64, 0.8],
    [0.99, 0.63, 0.95],
  ]),
});
const transfer = reportRun({
  id: 'transfer',
  preset: 'transfer-plus',
  labels,
  predictions: predictionsWithMistakes(labels, range(0, 20)),
  epochs: epochsFrom([
    [0.5, 0.48, 1.1],
    [0.55, 0.52, 1.0],
  ]),
});

describe('the written analysis', () => {
  it('names the winner on test accuracy and macro F1 with the stored numbers', () => {
    const sentences = analyse([transfer, cnn]);
    const acc = only(sentences, 'winner-test-acc');
    expect(acc.numbers.testAcc).toBe(cnn.report.testAcc);
    expect(acc.numbers.runnerUp).toBe(transfer.report.testAcc);
    expect(acc.text).toContain(
      `cnn won on test accuracy with ${formatPercent(cnn.report.testAcc)}`,
    );
    expect(acc.text).toContain(formatPoints(cnn.report.testAcc - transfer.report.testAcc));
    expect(acc.text).toContain(`transfer (${formatPercent(transfer.report.testAcc)})`);
    const f1 = only(sentences, 'winner-macro-f1');
    expect(f1.numbers.macroF1).toBe(cnn.report.macroAvg.f1);
    expect(f1.text).toContain(formatScore(cnn.report.macroAvg.f1));
    expect(f1.text).toContain(formatScore(transfer.report.macroAvg.f1));
  });

  it("states McNemar's test on the paired predictions, with its counts and p-value", () => {
    const sentence = only(analyse([cnn, transfer]), 'significance');
    const expected = mcnemarTest(cnn.predictions, transfer.predictions, labels);
    // cnn right where transfer was wrong on images 5–19; never the reverse.
    expect(expected).toMatchObject({ b: 15, c: 0 });
    expect(sentence.numbers).toEqual({ b: 15, c: 0, n: 60, pValue: expected.pValue });
    expect(sentence.text).toContain('is statistically significant');
    expect(sentence.text).toContain(`on 15 of 60 test images, the reverse on 0`);
    expect(sentence.text).toContain(`p = ${formatPValue(expected.pValue)}`);
  });

  it('says a small difference is not significant', () => {
    const close = reportRun({
      id: 'close',
      labels,
      predictions: predictionsWithMistakes(labels, range(0, 7)),
    });
    const sentence = only(analyse([cnn, close]), 'significance');
    expect(sentence.numbers).toMatchObject({ b: 2, c: 0, pValue: 0.5 });
    expect(sentence.text).toContain('is not statistically significant');
    expect(sentence.text).not.toMatch(/is statistically significant/);
  });

  it('states ties as ties', () => {
    const twin = reportRun({ id: 'twin', labels, predictions: cnn.predictions });
    const sentences = analyse([cnn, twin]);
    expect(only(sentences, 'winner-test-acc').text).toBe(
      `cnn and twin tie on test accuracy at ${formatPercent(cnn.report.testAcc)}.`,
    );
    expect(only(sentences, 'winner-macro-f1').text).toMatch(/tie on macro F1/);
    expect(only(sentences, 'significance').text).toMatch(/right on exactly the same test images/);
    expect(only(sentences, 'disagreement').text).toMatch(/same recall on every class/);
  });

  it('calls overfit only a run over the threshold, with the epoch validation loss rose from', () => {
    const sentences = analyse([cnn, transfer]);
    const overfit = only(sentences, 'overfitting', 'cnn');
    expect(cnn.report.overfittingGap).toBeCloseTo(0.35, 10);
    expect(overfit.numbers).toMatchObject({
      overfittingGap: cnn.report.overfittingGap,
      maxTrainAcc: 0.99,
      maxValAcc: 0.64,
      lowestValLossEpoch: 2,
      lowestValLoss: 0.7,
      valLossRoseFromEpoch: 3,
    });
    expect(overfit.text).toMatch(/^cnn overfit by the lab’s rule/);
    expect(overfit.text).toContain(formatSignedPoints(cnn.report.overfittingGap));
    expect(overfit.text).toContain(
      `lowest at epoch 2 (${formatLoss(0.7)}) and rose from epoch 3 on, never below that again`,
    );

    const fine = only(sentences, 'overfitting', 'transfer');
    expect(transfer.report.overfittingGap).toBeCloseTo(0.03, 10);
    expect(fine.text).toMatch(/^transfer did not overfit by the lab’s rule/);
    expect(fine.text).not.toMatch(/transfer overfit/);
    // Validation above training: a negative gap, stated with its sign.
    const negative = { ...transfer, report: { ...transfer.report, overfittingGap: -0.12 } };
    expect(only(analyse([negative]), 'overfitting').text).toContain(
      '= −12.00 percentage points, not above the 10.00 percentage points threshold',
    );
    expect(fine.text).toContain('fell to its lowest (1.0000) at its last epoch, 2');
    expect(fine.numbers.valLossRoseFromEpoch).toBeUndefined();
  });

  it('changes the sentence when a stored value changes', () => {
    const before = only(analyse([cnn, transfer]), 'overfitting', 'cnn');
    // The stored gap decides: at the threshold (not above it) is not overfitting.
    const edited = { ...cnn, report: { ...cnn.report, overfittingGap: 0.1 } };
    const after = only(analyse([edited, transfer]), 'overfitting', 'cnn');
    expect(after.text).not.toBe(before.text);
    expect(after.text).toMatch(/^cnn did not overfit/);
    expect(after.numbers.overfittingGap).toBe(0.1);

    const accBefore = only(analyse([cnn, transfer]), 'winner-test-acc');
    const raised = { ...transfer, report: { ...transfer.report, testAcc: 0.99 } };
    const accAfter = only(analyse([cnn, raised]), 'winner-test-acc');
    expect(accAfter.text).not.toBe(accBefore.text);
    expect(accAfter.text).toMatch(/^transfer won on test accuracy with 99\.0%/);
  });

  it('names each run’s best and worst classes, ties included', () => {
    const sentence = only(analyse([cnn, transfer]), 'classes', 'cnn');
    const f1s = cnn.report.perClass.map((c) => c.f1);
    expect(sentence.numbers).toEqual({ bestF1: Math.max(...f1s), worstF1: Math.min(...f1s) });
    expect(sentence.text).toContain(formatScore(Math.max(...f1s)));
    const perfect = reportRun({ id: 'perfect', labels, predictions: labels });
    expect(only(analyse([perfect]), 'classes').text).toBe(
      'perfect scores every class alike (F1 1.000).',
    );
  });

  it('compares transfer learning with training from scratch and names the config differences', () => {
    const sentence = only(analyse([cnn, transfer]), 'transfer');
    expect(sentence.text).toMatch(/^Transfer learning did not beat training from scratch/);
    expect(sentence.numbers).toEqual({
      transferTestAcc: transfer.report.testAcc,
      scratchTestAcc: cnn.report.testAcc,
      difference: transfer.report.testAcc - cnn.report.testAcc,
    });
    expect(sentence.text).toMatch(/inputSize 96 vs 32/);
    expect(only(analyse([cnn]), 'transfer').text).toMatch(/every run trains from scratch/);
  });

  it('never tests runs on different test sets against each other, and says how they differ', () => {
    const other = reportRun({
      id: 'mnist',
      dataset: 'mnist',
      labels: cyclingLabels(30),
      predictions: cyclingLabels(30),
    });
    const sentences = analyse([cnn, transfer, other]);
    const sets = only(sentences, 'test-sets');
    expect(sets.text).toContain('2 different test sets');
    expect(sets.text).toContain('synthetic (60 test images)');
    expect(sets.text).toContain('mnist (30 test images)');
    const tests = sentences.filter((s) => s.topic === 'significance');
    expect(tests).toHaveLength(1);
    expect(tests[0]?.runIds.sort()).toEqual(['cnn', 'transfer']);
    // Same dataset, other test images (another test limit): also not comparable.
    const fewer = reportRun({
      id: 'fewer',
      labels: cyclingLabels(30),
      predictions: cyclingLabels(30),
    });
    expect(analyse([cnn, fewer]).filter((s) => s.topic === 'significance')).toHaveLength(0);
  });
});
