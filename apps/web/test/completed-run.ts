/**
 * A completed run for the prediction tests: a real (seeded, untrained) tiny-cnn model saved in its
 * run folder, and the report evaluation gave it.
 */
import path from 'node:path';
import {
  buildModel,
  buildReport,
  encodeImagePng,
  evaluateModel,
  initBackend,
  saveModelToDir,
} from '@convlab/core';
import { runDir } from '@convlab/core/paths';
import type { RunReport } from '@convlab/core/contracts';
import { saveReport } from '@convlab/db';
import { loadTestSet } from '~/server/test-images.ts';
import type { TestDatabase } from './harness.ts';

export interface CompletedRun {
  runId: string;
  classNames: string[];
  /** Class probabilities evaluation gave each test image (row-major). */
  evaluated: Float32Array;
  /** Test image `index` as a PNG file. */
  pngOf: (index: number) => Buffer;
  /** The report as buildReport made it (the database's row lacks its inputReference). */
  report: RunReport;
}

export async function createCompletedRun(t: TestDatabase): Promise<CompletedRun> {
  await initBackend();
  const caller = t.caller();
  const { id: runId } = await caller.runs.queue({
    config: { preset: 'tiny-cnn', dataset: 'synthetic', epochs: 1, trainLimit: 100, testLimit: 40 },
  });
  const { run } = await caller.runs.detail({ id: runId });
  if (!run.config) throw new Error('expected a valid config');
  const testSet = await loadTestSet(run.config);
  const classNames = testSet.classNames;
  const built = await buildModel(run.config, classNames.length);
  const evaluation = await evaluateModel(built.model, testSet.images, {
    inputSize: built.inputSize,
    scaling: built.inputScaling,
  });
  await saveModelToDir(built.model, path.join(runDir(runId), 'model'));
  built.model.dispose();
  const dataset = {
    name: 'synthetic',
    classNames,
    train: testSet.images,
    val: testSet.images,
    test: testSet.images,
    skipped: { count: 0, byKind: {}, examples: [] },
  };
  const epoch = {
    epoch: 1,
    phase: 'train' as const,
    loss: 2.3,
    acc: 0.1,
    valLoss: 2.3,
    valAcc: 0.1,
  };
  const report = buildReport(dataset, [{ ...epoch, lr: 1e-3, seconds: 1 }], evaluation, 5);
  await saveReport(t.db, runId, report);
  await t.db.run.update({
    where: { id: runId },
    data: { status: 'completed', finishedAt: new Date() },
  });
  return {
    runId,
    classNames,
    evaluated: evaluation.probs,
    pngOf: (index) => encodeImagePng(testSet.images, index),
    report,
  };
}
