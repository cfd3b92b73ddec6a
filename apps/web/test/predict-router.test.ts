import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMAGE_LIMITS, encodeImagePng } from '@convlab/core';
import { runDir } from '@convlab/core/paths';
import { saveReport } from '@convlab/db';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearModelCache,
  MAX_QUEUED_PREDICTIONS,
  predictImageFiles,
} from '~/server/run-predictor.ts';
import { loadTestSet } from '~/server/test-images.ts';
import { createCompletedRun } from './completed-run.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
let runId: string;
let evaluated: Float32Array;
let classNames: string[];
let pngOf: (index: number) => Buffer;

/** A completed run with a real (seeded, untrained) tiny-cnn model and the report evaluation gave it. */
beforeAll(async () => {
  t = await createTestDatabase();
  const run = await createCompletedRun(t);
  ({ runId, evaluated, classNames, pngOf } = run);
  // Predictions read the input reference from report.json, as the trainer writes it.
  writeFileSync(path.join(runDir(runId), 'report.json'), JSON.stringify({ report: run.report }));
});
afterAll(async () => {
  await clearModelCache();
  await t.cleanup();
});

const row = (index: number) =>
  Array.from(evaluated.subarray(index * classNames.length, (index + 1) * classNames.length));

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i] ?? NaN, 6));
}

describe('predict router', () => {
  it('gives an uploaded PNG of a test image the probabilities evaluation gave it', async () => {
    const result = await t.caller().predict.images({
      runId,
      images: [
        { name: 'seven.png', data: pngOf(7).toString('base64') },
        { name: 'twelve.png', data: pngOf(12).toString('base64') },
      ],
    });
    expect(result.classNames).toEqual(classNames);
    const [seven, twelve] = result.predictions;
    if (!seven?.ok || !twelve?.ok) throw new Error('expected two predictions');
    expect(seven.name).toBe('seven.png');
    expectClose(seven.probabilities, row(7));
    expectClose(twelve.probabilities, row(12));
    expect(seven.top).toHaveLength(5);
    expect(seven.top[0]?.probability).toBe(Math.max(...seven.probabilities));
    expect(seven.top.map((c) => c.probability)).toEqual(
      [...seven.top.map((c) => c.probability)].sort((a, b) => b - a),
    );
  });

  it('predicts random test images with their true labels, as evaluation did', async () => {
    const result = await t.caller().predict.testImages({ runId, count: 4 });
    expect(result.predictions).toHaveLength(4);
    const testSet = (await t.caller().runs.detail({ id: runId })).run.config;
    if (!testSet) throw new Error('expected a config');
    const labels = (await loadTestSet(testSet)).images.labels;
    for (const p of result.predictions) {
      if (!p.ok) throw new Error(p.error);
      expectClose(p.probabilities, row(p.index));
      expect(p.outOfDistribution).not.toBeNull();
      expect(p.trueLabel).toBe(classNames[labels[p.index] ?? -1]);
    }
    expect(new Set(result.predictions.map((p) => p.index)).size).toBe(4);
  });

  it('warns when an upload looks unlike the test images, and still predicts it', async () => {
    const config = (await t.caller().runs.detail({ id: runId })).run.config;
    if (!config) throw new Error('expected a config');
    const { images } = await loadTestSet(config);
    const invertedSet = { ...images, images: images.images.map((value) => 255 - value) };
    const result = await t.caller().predict.images({
      runId,
      images: [
        { name: 'test.png', data: pngOf(7).toString('base64') },
        { name: 'inverted.png', data: encodeImagePng(invertedSet, 7).toString('base64') },
      ],
    });
    const [test, inverted] = result.predictions;
    if (!test?.ok || !inverted?.ok) throw new Error('expected two predictions');
    expect(test.outOfDistribution).toEqual({ flagged: false, reasons: [] });
    expect(inverted.outOfDistribution?.flagged).toBe(true);
    expect(inverted.outOfDistribution?.reasons[0]).toMatch(
      /^its brightness \(mean \d+\) is outside what the test images have \(1st–99th percentile \d+–\d+\)$/,
    );
    expect(inverted.top).toHaveLength(5);
  });

  it('gives no assessment for a run whose report predates input references', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({
      config: {
        preset: 'tiny-cnn',
        dataset: 'synthetic',
        epochs: 1,
        trainLimit: 100,
        testLimit: 40,
      },
    });
    const { report } = await caller.reports.byRun({ runId });
    if (!report) throw new Error('expected a report');
    await saveReport(t.db, id, report);
    await t.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
    cpSync(path.join(runDir(runId), 'model'), path.join(runDir(id), 'model'), { recursive: true });
    const result = await caller.predict.images({
      runId: id,
      images: [{ name: 'test.png', data: pngOf(7).toString('base64') }],
    });
    expect(result.predictions[0]).toMatchObject({ ok: true, outOfDistribution: null });
  });

  it('refuses what is not an image per image, and bad requests as a whole', async () => {
    const caller = t.caller();
    const result = await caller.predict.images({
      runId,
      images: [
        { name: 'notes.txt', data: Buffer.from('hello, not an image').toString('base64') },
        { name: 'ok.png', data: pngOf(0).toString('base64') },
      ],
    });
    expect(result.predictions[0]).toMatchObject({ ok: false, error: 'not a PNG or JPEG file' });
    expect(result.predictions[1]?.ok).toBe(true);

    const nine = Array.from({ length: 9 }, (_, i) => ({ name: `${i}.png`, data: 'AAAA' }));
    await expect(caller.predict.images({ runId, images: nine })).rejects.toThrow(
      /at most 8 images/,
    );
    await expect(caller.predict.images({ runId, images: [] })).rejects.toThrow(/at least one/);
    await expect(
      caller.predict.images({ runId, images: [{ name: 'x.png', data: 'not base64!' }] }),
    ).rejects.toThrow(/base64/);
    await expect(
      caller.predict.images({ runId: 'r0000000000000000', images: [{ name: 'a', data: 'AAAA' }] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { id: queued } = await caller.runs.queue({
      config: { preset: 'tiny-cnn', dataset: 'synthetic' },
    });
    await expect(
      caller.predict.images({ runId: queued, images: [{ name: 'a', data: 'AAAA' }] }),
    ).rejects.toThrow(/cannot predict with run .* it is queued/);
    await expect(caller.predict.testImages({ runId: queued, count: 2 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('answers CONFLICT, not a server error, for a run whose model is damaged', async () => {
    const caller = t.caller();
    const { id } = await caller.runs.queue({
      config: { preset: 'tiny-cnn', dataset: 'synthetic' },
    });
    const { report } = await caller.reports.byRun({ runId });
    if (!report) throw new Error('expected a report');
    await saveReport(t.db, id, report);
    await t.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
    mkdirSync(path.join(runDir(id), 'model'), { recursive: true });
    writeFileSync(path.join(runDir(id), 'model', 'model.json'), '{"not": "a model"');
    await expect(
      caller.predict.images({
        runId: id,
        images: [{ name: 'a.png', data: pngOf(0).toString('base64') }],
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: "the run's model cannot be loaded" });
  });

  it('refuses predictions past the queue instead of holding them in memory', async () => {
    const image = pngOf(2);
    const calls = Array.from({ length: MAX_QUEUED_PREDICTIONS + 2 }, () =>
      predictImageFiles(t.db, runId, [image], DEFAULT_IMAGE_LIMITS),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(MAX_QUEUED_PREDICTIONS);
    for (const refused of settled.slice(MAX_QUEUED_PREDICTIONS))
      expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'TOO_MANY_REQUESTS' } });
    // Once the queue has drained, predictions are taken again.
    await expect(
      predictImageFiles(t.db, runId, [image], DEFAULT_IMAGE_LIMITS),
    ).resolves.toMatchObject({ classNames });
  });

  it('loads a model once and disposes it when the cache lets it go', async () => {
    await clearModelCache();
    const before = tf.memory().numTensors;
    const caller = t.caller();
    const image = { name: 'a.png', data: pngOf(1).toString('base64') };
    await caller.predict.images({ runId, images: [image] });
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    for (let i = 0; i < 3; i++) await caller.predict.images({ runId, images: [image] });
    expect(tf.memory().numTensors).toBe(loaded);
    await clearModelCache();
    expect(tf.memory().numTensors).toBe(before);
  });
});
