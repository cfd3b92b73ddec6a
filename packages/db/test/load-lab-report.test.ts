/** loadLabReportInput: the runs, their report.json and grad-cam.json, from either artifact store. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createArtifactStore,
  enqueueRun,
  LabReportSelectionError,
  loadLabReportInput,
  saveReport,
} from '../src/index.ts';
import { createTempDatabase, TEST_PROVIDERS, type TempDatabase } from './helpers.ts';

let temp: TempDatabase;
afterEach(async () => {
  delete process.env.CONVLAB_RUNS_DIR;
  await temp.cleanup();
});

const labels = [0, 1, 0, 1];
const report = {
  testLoss: 0.5,
  testAcc: 0.75,
  overfittingGap: 0.02,
  classNames: ['a', 'b'],
  perClass: [
    { label: 'a', precision: 1, recall: 0.5, f1: 2 / 3, support: 2 },
    { label: 'b', precision: 2 / 3, recall: 1, f1: 0.8, support: 2 },
  ],
  macroAvg: { precision: 5 / 6, recall: 0.75, f1: 11 / 15, support: 4 },
  weightedAvg: { precision: 5 / 6, recall: 0.75, f1: 11 / 15, support: 4 },
  confusionMatrix: [
    [1, 1],
    [0, 2],
  ],
  misclassified: [],
};
const gradCam = {
  layer: 'conv2',
  width: 1,
  height: 1,
  entries: [
    {
      index: 2,
      trueLabel: 'a',
      predictedLabel: 'b',
      image: 'AAAA',
      maps: [
        { classIndex: 1, label: 'b', probability: 0.6, heatmap: 'AA==', peak: { x: 0, y: 0 } },
      ],
    },
  ],
};

describe.each(TEST_PROVIDERS)('the lab report input on %s', (provider) => {
  beforeEach(async () => {
    temp = await createTempDatabase(provider);
    process.env.CONVLAB_RUNS_DIR = path.join(temp.dir, 'runs');
  });

  /** A completed run with its files where this provider's default store keeps them. */
  async function completedRun(groupId?: string, withGradCam = true): Promise<string> {
    const { id } = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' }, groupId });
    await saveReport(temp.db, id, report);
    await temp.db.epochMetric.create({
      data: {
        runId: id,
        epoch: 1,
        loss: 1,
        acc: 0.6,
        valLoss: 1.1,
        valAcc: 0.58,
        lr: 1e-3,
        seconds: 1,
      },
    });
    await temp.db.run.update({ where: { id }, data: { status: 'completed' } });
    const files = [
      {
        path: 'report.json',
        text: JSON.stringify({ report, predictions: [0, 1, 1, 1], testLabels: labels }),
      },
      ...(withGradCam ? [{ path: 'grad-cam.json', text: JSON.stringify(gradCam) }] : []),
    ];
    const store = createArtifactStore(temp.db);
    for (const file of files) {
      // Written as the trainer writes them, then pushed into the store (with the folder store the run
      // folder is the store); the loader never asks which store it is.
      mkdirSync(path.join(temp.dir, 'runs', id), { recursive: true });
      writeFileSync(path.join(temp.dir, 'runs', id, file.path), file.text);
      await store.push(id, file.path);
    }
    return id;
  }

  it('loads runs by id and by group, with their predictions and Grad-CAM file', async () => {
    const a = await completedRun('g1');
    const b = await completedRun('g1', false);
    const input = await loadLabReportInput(temp.db, { runIds: [a, b] }, { now: new Date(0) });
    expect(input.generatedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(input.runs.map((run) => run.id)).toEqual([a, b]);
    const [first, second] = input.runs;
    expect(first?.predictions).toEqual([0, 1, 1, 1]);
    expect(first?.testLabels).toEqual(labels);
    expect(first?.report.testAcc).toBe(0.75);
    expect(first?.epochs).toHaveLength(1);
    expect(first?.gradCam?.entries).toHaveLength(1);
    expect(second?.gradCam).toBeNull();
    const byGroup = await loadLabReportInput(temp.db, { groupId: 'g1' });
    expect(byGroup.runs.map((run) => run.id).sort()).toEqual([a, b].sort());
  });

  it('refuses unknown, unfinished and too many runs in one line naming them', async () => {
    const a = await completedRun();
    const { id: queued } = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
    const refuse = (selection: Parameters<typeof loadLabReportInput>[1]) =>
      loadLabReportInput(temp.db, selection).then(
        () => 'loaded',
        (error: unknown) =>
          error instanceof LabReportSelectionError ? error.message : String(error),
      );
    expect(await refuse({ runIds: [a, 'nope', queued] })).toBe(
      `cannot report on unknown run ids: nope; runs not completed: ${queued} (queued)`,
    );
    expect(await refuse({ runIds: Array.from({ length: 21 }, (_, i) => `r${i}`) })).toBe(
      'asked for 21 runs; a report compares at most 20',
    );
    expect(await refuse({ groupId: 'none' })).toBe('no runs in group none');
    for (let i = 0; i < 21; i += 1)
      await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' }, groupId: 'big' });
    expect(await refuse({ groupId: 'big' })).toMatch(
      /^group big has 21 runs; a report compares at most 20/,
    );
    // A completed run whose report.json is gone.
    const { id: bare } = await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
    await saveReport(temp.db, bare, report);
    await temp.db.run.update({ where: { id: bare }, data: { status: 'completed' } });
    expect(await refuse({ runIds: [bare] })).toBe(
      `cannot report on runs without their predictions: ${bare} (its report.json is missing or unreadable)`,
    );
  });
});
