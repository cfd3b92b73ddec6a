/** GET /api/report: the lab report download, against a real SQLite file and runs folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { classificationReport, confusionMatrix } from '@convlab/core';
import { runDir } from '@convlab/core/paths';
import { saveReport } from '@convlab/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ReportRoute from '~/app/api/report/route.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
let route: typeof ReportRoute;
const completed: string[] = [];
let queuedId: string;

const CLASSES = ['circle', 'square'];
const labels = Array.from({ length: 20 }, (_, i) => i % 2);

/** A completed run as the trainer leaves one: its report in the database, report.json in its folder. */
async function completedRun(wrong: number[]): Promise<string> {
  const { id } = await t.caller().runs.queue({ config: { preset: 'tiny-cnn' } });
  const predictions = labels.map((label, i) => (wrong.includes(i) ? 1 - label : label));
  const scores = classificationReport(labels, predictions, CLASSES);
  const report = {
    testLoss: 0.4,
    testAcc: scores.accuracy,
    overfittingGap: 0.05,
    classNames: CLASSES,
    perClass: scores.perClass,
    macroAvg: scores.macroAvg,
    weightedAvg: scores.weightedAvg,
    confusionMatrix: confusionMatrix(labels, predictions, 2),
    misclassified: [],
  };
  await saveReport(t.db, id, report);
  for (const epoch of [1, 2])
    await t.db.epochMetric.create({
      data: {
        runId: id,
        epoch,
        loss: 1 / epoch,
        acc: 0.5 * epoch,
        valLoss: 1.1 / epoch,
        valAcc: 0.45 * epoch,
        lr: 1e-3,
        seconds: 1,
      },
    });
  await t.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
  mkdirSync(runDir(id), { recursive: true });
  writeFileSync(
    path.join(runDir(id), 'report.json'),
    JSON.stringify({ report, predictions, testLabels: labels }),
  );
  return id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  route = await import('~/app/api/report/route.ts');
  completed.push(await completedRun([0, 1, 2]), await completedRun([5]));
  queuedId = (await t.caller().runs.queue({ config: { preset: 'tiny-cnn' } })).id;
});
afterAll(async () => {
  await t.cleanup();
});

const get = (query: string, host = '127.0.0.1:3000') =>
  route.GET(new Request(`http://127.0.0.1:3000/api/report?${query}`, { headers: { host } }));

describe('the lab report download', () => {
  it('serves the compared runs as one self-contained HTML attachment', async () => {
    const response = await get(`runs=${completed.join(',')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="convlab-report-.+\.html"$/,
    );
    const html = await response.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('won on test accuracy with 95.0%');
  });

  it('serves Markdown as a tar of report.md and its figures', async () => {
    const response = await get(`runs=${completed[0] ?? ''}&format=md`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename=".+-md\.tar"$/,
    );
    const bytes = Buffer.from(await response.arrayBuffer()).toString('latin1');
    expect(bytes).toContain('report.md');
    expect(bytes).toContain('assets/validation-accuracy.png');
  });

  it('refuses bad input with one line and the right status', async () => {
    const cases: [string, number, RegExp][] = [
      ['', 400, /^invalid runs: /],
      ['runs=', 400, /name at least one run/],
      ['runs=../etc', 400, /not a run id/],
      [`runs=${Array.from({ length: 21 }, (_, i) => `r${i}`).join(',')}`, 400, /at most 20 runs/],
      [`runs=${completed[0] ?? ''}&format=pdf`, 400, /^invalid format/],
      [`runs=${completed[0] ?? ''},nope`, 404, /unknown run ids: nope/],
      [`runs=${queuedId}`, 409, new RegExp(`runs not completed: ${queuedId} \\(queued\\)`)],
    ];
    for (const [query, status, message] of cases) {
      const response = await get(query);
      expect(response.status, query).toBe(status);
      const text = await response.text();
      expect(text, query).toMatch(message);
      expect(text.split('\n'), query).toHaveLength(1);
    }
  });

  it('checks read access like the other downloads', async () => {
    const response = await get(`runs=${completed[0] ?? ''}`, 'evil.example');
    expect(response.status).toBe(403);
  });
});
