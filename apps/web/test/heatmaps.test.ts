/**
 * Grad-CAM overlays for the dashboard: GET /api/runs/:id/heatmaps/:index?class=N (stored maps of the
 * most confident mistakes, others computed on demand) and predict's `explain`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { galleryGradCam, loadLayersModelFrom } from '@convlab/core';
import { RUN_FOLDER, runDir } from '@convlab/core/paths';
import { gradCamFileSchema, type GradCamFile } from '@convlab/core/contracts';
import { saveReport } from '@convlab/db';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as HeatmapsRoute from '~/app/api/runs/[id]/heatmaps/[index]/route.ts';
import { clearModelCache } from '~/server/run-predictor.ts';
import { loadTestSet } from '~/server/test-images.ts';
import { createCompletedRun, type CompletedRun } from './completed-run.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
let run: CompletedRun;
// Imported after the environment below is set: the route opens the database from it.
let heatmaps: typeof HeatmapsRoute;
let inputSize: number;
let gradCamFile: GradCamFile;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  heatmaps = await import('~/app/api/runs/[id]/heatmaps/[index]/route.ts');
  run = await createCompletedRun(t);
  const folder = runDir(run.runId);
  // Predictions read the input reference from report.json, as the trainer writes it.
  writeFileSync(path.join(folder, 'report.json'), JSON.stringify({ report: run.report }));
  // createCompletedRun evaluates the model itself rather than through trainRun, so it writes no
  // grad-cam.json: store the gallery's maps as finishRun does.
  const model = await loadLayersModelFrom(path.join(folder, 'model'));
  try {
    inputSize = model.inputs[0]?.shape[1] ?? NaN;
    const { run: detail } = await t.caller().runs.detail({ id: run.runId });
    if (!detail.config) throw new Error('expected a valid config');
    const { images, classNames } = await loadTestSet(detail.config);
    gradCamFile = await galleryGradCam(
      model,
      images,
      run.report.misclassified,
      detail.config,
      classNames,
    );
  } finally {
    model.dispose();
  }
  writeFileSync(path.join(folder, RUN_FOLDER.gradCam), JSON.stringify(gradCamFile));
});
afterAll(async () => {
  await clearModelCache();
  await t.cleanup();
});

function getHeatmap(id: string, index: number | string, classParam: string): Promise<Response> {
  const url = `http://127.0.0.1:3000/api/runs/${id}/heatmaps/${index}?class=${classParam}`;
  return heatmaps.GET(new Request(url, { headers: { host: '127.0.0.1:3000' } }), {
    params: Promise.resolve({ id, index: String(index) }),
  });
}

/** The response's PNG, checked to be one at the model's input size. */
async function expectOverlayPng(response: Response): Promise<PNG> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/png');
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const png = PNG.sync.read(bytes);
  expect([png.width, png.height]).toEqual([inputSize, inputSize]);
  return png;
}

/** A completed run with the first run's report and grad-cam.json but no model. */
async function runWithoutModel(): Promise<string> {
  const caller = t.caller();
  const { id } = await caller.runs.queue({
    config: { preset: 'tiny-cnn', dataset: 'synthetic', epochs: 1, trainLimit: 100, testLimit: 40 },
  });
  await saveReport(t.db, id, run.report);
  await t.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
  mkdirSync(runDir(id), { recursive: true });
  writeFileSync(path.join(runDir(id), RUN_FOLDER.gradCam), JSON.stringify(gradCamFile));
  return id;
}

describe('heatmaps route', () => {
  it('stores the gallery maps: the predicted and the true class of each mistake', () => {
    expect(existsSync(path.join(runDir(run.runId), RUN_FOLDER.gradCam))).toBe(true);
    expect(gradCamFileSchema.safeParse(gradCamFile).success).toBe(true);
    expect(gradCamFile.entries.length).toBeGreaterThan(0);
    expect([gradCamFile.width, gradCamFile.height]).toEqual([inputSize, inputSize]);
    const [first] = gradCamFile.entries;
    expect(first?.index).toBe(run.report.misclassified[0]?.index);
    expect(first?.maps.map((m) => m.label)).toEqual([first?.predictedLabel, first?.trueLabel]);
  });

  it('draws a stored mistake from grad-cam.json, without the model', async () => {
    const id = await runWithoutModel();
    const entry = gradCamFile.entries[0];
    if (!entry) throw new Error('expected a stored mistake');
    for (const map of entry.maps)
      await expectOverlayPng(await getHeatmap(id, entry.index, String(map.classIndex)));
    // An image with no stored map needs the model, which this run lacks.
    const unstored = unstoredIndex();
    const response = await getHeatmap(id, unstored, '0');
    expect(response.status).toBe(409);
  });

  it('computes the map of an image and class that are not stored', async () => {
    const unstored = unstoredIndex();
    const classIndex = run.classNames.length - 1;
    const png = await expectOverlayPng(await getHeatmap(run.runId, unstored, String(classIndex)));
    // An overlay, not a blank picture: its pixels vary.
    expect(new Set(png.data).size).toBeGreaterThan(1);
  });

  it('refuses a bad class and a run that is not completed', async () => {
    const index = gradCamFile.entries[0]?.index ?? 0;
    expect((await getHeatmap(run.runId, index, String(run.classNames.length))).status).toBe(400);
    expect((await getHeatmap(run.runId, index, 'cat')).status).toBe(400);
    expect((await getHeatmap(run.runId, index, '')).status).toBe(400);
    const { id: queued } = await t.caller().runs.queue({
      config: { preset: 'tiny-cnn', dataset: 'synthetic' },
    });
    expect((await getHeatmap(queued, 0, '0')).status).toBe(409);
  });
});

describe('predict with explain', () => {
  it('gives each test image the predicted class map first, then the true class where it differs', async () => {
    const result = await t
      .caller()
      .predict.testImages({ runId: run.runId, count: 3, explain: true });
    expect(result.predictions).toHaveLength(3);
    for (const p of result.predictions) {
      if (!p.ok) throw new Error(p.error);
      const maps = p.heatmaps ?? [];
      expect(maps[0]?.label).toBe(p.top[0]?.label);
      expect(maps.map((m) => m.label)).toEqual(
        p.top[0]?.label === p.trueLabel ? [p.trueLabel] : [p.top[0]?.label, p.trueLabel],
      );
      for (const map of maps) {
        expect(Buffer.from(map.png, 'base64').subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(map.peak.x).toBeGreaterThanOrEqual(0);
        expect(map.peak.x).toBeLessThanOrEqual(1);
      }
    }
  });

  it('adds no heatmaps unless asked', async () => {
    const result = await t.caller().predict.images({
      runId: run.runId,
      images: [{ name: 'three.png', data: run.pngOf(3).toString('base64') }],
    });
    const [prediction] = result.predictions;
    if (!prediction?.ok) throw new Error('expected a prediction');
    expect(prediction.heatmaps).toBeUndefined();
  });
});

/** A test image whose maps are not in grad-cam.json. */
function unstoredIndex(): number {
  const stored = new Set(gradCamFile.entries.map((e) => e.index));
  const index = Array.from({ length: 40 }, (_, i) => i).find((i) => !stored.has(i));
  if (index === undefined) throw new Error('expected an image without stored maps');
  return index;
}
