/** Plain route handlers (downloads, images, sign-out) against a real SQLite file and runs folder. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as FilesRoute from '~/app/api/runs/[id]/files/[...path]/route.ts';
import type * as ImagesRoute from '~/app/api/runs/[id]/images/[index]/route.ts';
import type * as HealthRoute from '~/app/api/health/route.ts';
import type * as LogoutRoute from '~/app/api/logout/route.ts';
import type * as RunsCsvRoute from '~/app/api/runs.csv/route.ts';
import type * as TrialsCsvRoute from '~/app/api/sweeps/[id]/trials.csv/route.ts';
import { createTestDatabase, type TestDatabase } from './harness.ts';

let t: TestDatabase;
// Imported after the environment below is set: the routes read it when they load.
let files: typeof FilesRoute;
let images: typeof ImagesRoute;
let logout: typeof LogoutRoute;
let health: typeof HealthRoute;
let runsCsv: typeof RunsCsvRoute;
let trialsCsv: typeof TrialsCsvRoute;

beforeAll(async () => {
  t = await createTestDatabase();
  // The routes open the database from the environment, as the server does.
  process.env.DATABASE_URL = t.url;
  process.env.CONVLAB_DATASET_ROOTS = path.join(t.dir, 'datasets');
  files = await import('~/app/api/runs/[id]/files/[...path]/route.ts');
  images = await import('~/app/api/runs/[id]/images/[index]/route.ts');
  logout = await import('~/app/api/logout/route.ts');
  health = await import('~/app/api/health/route.ts');
  runsCsv = await import('~/app/api/runs.csv/route.ts');
  trialsCsv = await import('~/app/api/sweeps/[id]/trials.csv/route.ts');
});
afterAll(async () => {
  await t.cleanup();
});

const request = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  new Request(`http://127.0.0.1:3000${url}`, {
    method,
    headers: { host: '127.0.0.1:3000', ...headers },
  });

async function queuedRun(): Promise<string> {
  const { id } = await t.caller().runs.queue({ config: { preset: 'tiny-cnn' } });
  return id;
}

describe('run file downloads', () => {
  const get = (id: string, ...segments: string[]) =>
    files.GET(request(`/api/runs/${id}/files/${segments.join('/')}`), {
      params: Promise.resolve({ id, path: segments }),
    });

  it('serves a run’s report.json, but no file through a symlink', async () => {
    const id = await queuedRun();
    const dir = path.join(t.dir, 'runs', id);
    mkdirSync(path.join(dir, 'model'), { recursive: true });
    writeFileSync(path.join(dir, 'report.json'), '{"ok":true}');
    writeFileSync(path.join(t.dir, 'secret.txt'), 'secret');
    symlinkSync(path.join(t.dir, 'secret.txt'), path.join(dir, 'model', 'weights.bin'));
    const report = await get(id, 'report.json');
    expect(report.status).toBe(200);
    expect(await report.text()).toBe('{"ok":true}');
    const linked = await get(id, 'model', 'weights.bin');
    expect(linked.status).toBe(404);
    expect(await linked.text()).not.toContain('secret');
  });

  it('serves nothing from a run folder without a database row', async () => {
    const orphan = 'rorphan000000000';
    mkdirSync(path.join(t.dir, 'runs', orphan), { recursive: true });
    writeFileSync(path.join(t.dir, 'runs', orphan, 'report.json'), '{}');
    expect((await get(orphan, 'report.json')).status).toBe(404);
  });
});

describe('test images', () => {
  it('never echoes server paths when a dataset cannot be loaded', async () => {
    const { id } = await t
      .caller()
      .runs.queue({ config: { preset: 'tiny-cnn', dataset: 'cifar10' } });
    process.env.CONVLAB_DATA_DIR = path.join(t.dir, 'no-such-datasets');
    const response = await images.GET(request(`/api/runs/${id}/images/0`), {
      params: Promise.resolve({ id, index: '0' }),
    });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain(t.dir);
    expect(text).not.toMatch(/\/(tmp|work|home)\//);
  });
});

describe('health', () => {
  it('answers ok while the database replies, with no token and nothing else said', async () => {
    const response = await health.GET();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });
});

describe('sign-out', () => {
  it('refuses a cross-site post and signs out from our own page', () => {
    const crossSite = logout.POST(
      request(
        '/api/logout',
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        'POST',
      ),
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const own = logout.POST(
      request(
        '/api/logout',
        { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' },
        'POST',
      ),
    );
    expect(own.status).toBe(303);
    expect(own.headers.get('set-cookie')).toContain('Max-Age=0');
  });
});

describe('the leaderboard as CSV', () => {
  it('downloads the filtered runs, one row each, and refuses a bad filter with 400', async () => {
    const id = await queuedRun();
    const response = await runsCsv.GET(request('/api/runs.csv?status=queued&preset=tiny-cnn'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,name,status,preset,/);
    expect(lines.slice(1).some((line) => line.startsWith(`${id},`))).toBe(true);
    const none = await runsCsv.GET(request('/api/runs.csv?status=completed'));
    expect((await none.text()).trimEnd().split('\r\n')).toHaveLength(1); // the header only
    const bad = await runsCsv.GET(request('/api/runs.csv?status=nonsense'));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^invalid status/);
  });
});

describe('tags and sweeps as CSV', () => {
  it('filters the leaderboard CSV by tag and by sweep', async () => {
    const tagged = await queuedRun();
    await queuedRun();
    await t.caller().runs.annotate({ id: tagged, tags: ['csv-tag'] });
    const byTag = await runsCsv.GET(request('/api/runs.csv?tag=csv-tag'));
    const tagLines = (await byTag.text()).trimEnd().split('\r\n');
    expect(tagLines).toHaveLength(2);
    expect(tagLines[1]).toMatch(new RegExp(`^${tagged},`));
    const { id, runIds } = await t.caller().sweeps.create({
      method: 'grid',
      base: { preset: 'tiny-cnn', dataset: 'synthetic' },
      params: ['batchSize=16,32'],
    });
    const bySweep = await runsCsv.GET(request(`/api/runs.csv?sweepId=${id}`));
    expect((await bySweep.text()).trimEnd().split('\r\n')).toHaveLength(1 + runIds.length);
    const bad = await runsCsv.GET(request('/api/runs.csv?tag=not%20a%20tag'));
    expect(bad.status).toBe(400);
  });

  it("downloads a sweep's trials, one column per param; 400 for a bad id, 404 for none", async () => {
    const { id, runIds } = await t.caller().sweeps.create({
      method: 'grid',
      base: { preset: 'tiny-cnn', dataset: 'synthetic' },
      params: ['learningRate=0.001,0.01'],
    });
    const params = { params: Promise.resolve({ id }) };
    const response = await trialsCsv.GET(request(`/api/sweeps/${id}/trials.csv`), params);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(`convlab-sweep-${id}.csv`);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,name,status,.*,learningRate$/);
    expect(lines).toHaveLength(1 + runIds.length);
    const bad = await trialsCsv.GET(request('/api/sweeps/x/trials.csv'), {
      params: Promise.resolve({ id: '../etc' }),
    });
    expect(bad.status).toBe(400);
    const missing = await trialsCsv.GET(request('/api/sweeps/s0/trials.csv'), {
      params: Promise.resolve({ id: 's0000000000000' }),
    });
    expect(missing.status).toBe(404);
    const refused = await trialsCsv.GET(
      request(`/api/sweeps/${id}/trials.csv`, { host: 'evil.example' }),
      params,
    );
    expect(refused.status).toBe(403);
  });
});
