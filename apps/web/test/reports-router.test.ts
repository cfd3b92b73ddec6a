import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeImagePng } from '@convlab/core';
import { runDir } from '@convlab/core/paths';
import { recordEpochMetric, saveReport, type RunReport } from '@convlab/db';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestSet } from '~/server/test-images.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.cleanup();
});

/**
 * A report for predictions `predictions` on the run's real test set: the read models must point back
 * at the right images, so the report is computed from the actual labels (every 4th image is "wrong").
 */
function reportFor(labels: Uint8Array, classNames: string[], predictions: number[]): RunReport {
  const k = classNames.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  labels.forEach((label, i) => {
    const row = matrix[label];
    if (row) row[predictions[i] ?? 0] = (row[predictions[i] ?? 0] ?? 0) + 1;
  });
  const perClass = classNames.map((label, c) => {
    const tp = matrix[c]?.[c] ?? 0;
    const support = matrix[c]?.reduce((a, b) => a + b, 0) ?? 0;
    const predicted = matrix.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const mean = (key: 'precision' | 'recall' | 'f1') => perClass.reduce((s, c) => s + c[key], 0) / k;
  const misclassified = [...labels]
    .map((label, index) => ({ index, label, predicted: predictions[index] ?? 0 }))
    .filter((x) => x.label !== x.predicted)
    .map((x, rank) => ({
      index: x.index,
      trueLabel: classNames[x.label] ?? '',
      predictedLabel: classNames[x.predicted] ?? '',
      confidence: 0.99 - rank * 0.001,
    }));
  const correct = labels.length - misclassified.length;
  return {
    testLoss: 0.5,
    testAcc: correct / labels.length,
    overfittingGap: 0.05,
    classNames,
    perClass,
    macroAvg: {
      precision: mean('precision'),
      recall: mean('recall'),
      f1: mean('f1'),
      support: labels.length,
    },
    weightedAvg: {
      precision: mean('precision'),
      recall: mean('recall'),
      f1: mean('f1'),
      support: labels.length,
    },
    confusionMatrix: matrix,
    misclassified,
  };
}

describe('report read models', () => {
  it('serves epochs, the parsed report and the images in each confusion cell', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({
      config: {
        preset: 'tiny-cnn',
        dataset: 'synthetic',
        epochs: 2,
        testLimit: 60,
        trainLimit: 100,
      },
    });
    const { run } = await caller.runs.detail({ id });
    if (!run.config) throw new Error('expected a valid config');
    const testSet = await loadTestSet(run.config);
    const labels = testSet.images.labels;
    expect(labels.length).toBe(60);
    const predictions = [...labels].map((label, i) => (i % 4 === 0 ? (label + 1) % 10 : label));
    await t.db.run.update({ where: { id }, data: { status: 'running' } });
    await recordEpochMetric(t.db, id, {
      epoch: 1,
      loss: 1.2,
      acc: 0.5,
      valLoss: 1.3,
      valAcc: 0.45,
      lr: 3e-3,
      seconds: 1,
    });
    await recordEpochMetric(t.db, id, {
      epoch: 2,
      loss: 0.7,
      acc: 0.8,
      valLoss: 0.9,
      valAcc: 0.7,
      lr: 3e-3,
      seconds: 1,
    });
    await saveReport(t.db, id, reportFor(labels, testSet.classNames, predictions));

    const detail = await caller.runs.detail({ id });
    expect(detail.run.epochs.map((epoch) => epoch.valAcc)).toEqual([0.45, 0.7]);
    expect(detail.run.bestValAcc).toBe(0.7);
    expect(detail.run.testAcc).toBeCloseTo(0.75, 5);
    const { report } = await caller.reports.byRun({ runId: id });
    expect(report?.classNames).toEqual(testSet.classNames);

    // Off-diagonal: from the misclassified list; diagonal: the class's other images.
    const wrongIndex = predictions.findIndex((p, i) => p !== labels[i]);
    const actual = labels[wrongIndex] ?? 0;
    const predicted = predictions[wrongIndex] ?? 0;
    const mistakes = await caller.reports.cellExamples({ runId: id, actual, predicted });
    expect(mistakes.complete).toBe(true);
    expect(mistakes.examples.map((e) => e.index)).toContain(wrongIndex);
    expect(mistakes.examples).toHaveLength(mistakes.count);
    expect(mistakes.actualLabel).toBe(testSet.classNames[actual]);

    const diagonal = await caller.reports.cellExamples({ runId: id, actual, predicted: actual });
    expect(diagonal.complete).toBe(true);
    expect(diagonal.examples).toHaveLength(diagonal.count);
    for (const { index } of diagonal.examples) {
      expect(labels[index]).toBe(actual);
      expect(predictions[index]).toBe(actual);
    }

    // With every prediction stored in report.json, cells are exact without the misclassified list.
    mkdirSync(runDir(id), { recursive: true });
    writeFileSync(path.join(runDir(id), 'report.json'), JSON.stringify({ predictions }));
    const exact = await caller.reports.cellExamples({ runId: id, actual, predicted, limit: 200 });
    expect(exact.examples.map((e) => e.index).sort((a, b) => a - b)).toEqual(
      mistakes.examples.map((e) => e.index).sort((a, b) => a - b),
    );

    await expect(
      caller.reports.cellExamples({ runId: id, actual: 10, predicted: 0 }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('says when a run has no report yet', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({ config: { preset: 'tiny-cnn' } });
    expect((await caller.reports.byRun({ runId: id })).report).toBeNull();
    await expect(
      caller.reports.cellExamples({ runId: id, actual: 0, predicted: 0 }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('renders test images as PNGs of the dataset pixels', async () => {
    const { id } = await t.caller().runs.queue({ config: { preset: 'tiny-cnn', testLimit: 20 } });
    const { run } = await t.caller().runs.detail({ id });
    if (!run.config) throw new Error('expected a valid config');
    const { images } = await loadTestSet(run.config);
    const png = PNG.sync.read(encodeImagePng(images, 3));
    expect([png.width, png.height]).toEqual([images.width, images.height]);
    const offset = 3 * images.width * images.height * images.channels;
    expect([...png.data.subarray(0, 3)]).toEqual([...images.images.subarray(offset, offset + 3)]);
    expect(() => encodeImagePng(images, images.count)).toThrow(RangeError);
  });
});
