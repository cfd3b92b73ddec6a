/**
 * The dashboard server under the attacks of a hostile client, each written as the attack: JPEG bombs
 * while another client waits for answers, ten heavy uploads at once, a model that fails to load,
 * oversized posts before authentication, and a reader hunting for server paths.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDir } from '@convlab/core/paths';
import { saveReport } from '@convlab/db';
import * as tf from '@tensorflow/tfjs';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as FilesRoute from '~/app/api/runs/[id]/files/[...path]/route.ts';
import type * as LoginRoute from '~/app/api/login/route.ts';
import type * as RunsCsvRoute from '~/app/api/runs.csv/route.ts';
import { checkListeningHost, listeningHosts } from '~/env.ts';
import type { AccessPolicy } from '~/server/access.ts';
import { MAX_LOGIN_BODY_BYTES } from '~/server/request-body.ts';
import { clearModelCache, MAX_QUEUED_PREDICTIONS } from '~/server/run-predictor.ts';
import { handleTRPCRequest } from '~/server/trpc-handler.ts';
import { progressiveJpeg } from '@convlab/core/testing';
import { createCompletedRun, type CompletedRun } from './completed-run.ts';
import { createTestDatabase, dataPolicy, type TestDatabase } from './harness.ts';

const TOKEN = 'a-long-enough-token';
/** A public dashboard: anyone may read (and so predict), changes need the token. */
const PUBLIC_READS: AccessPolicy = { loopback: false, token: TOKEN, publicReads: true };
const PRIVATE: AccessPolicy = { loopback: false, token: TOKEN, publicReads: false };

let t: TestDatabase;
let run: CompletedRun;
let files: typeof FilesRoute;
let login: typeof LoginRoute;
let runsCsv: typeof RunsCsvRoute;

beforeAll(async () => {
  t = await createTestDatabase();
  // The routes read the environment when first called: a public-reads dashboard off loopback.
  process.env.DATABASE_URL = t.url;
  process.env.HOST = '0.0.0.0';
  process.env.CONVLAB_TOKEN = TOKEN;
  process.env.CONVLAB_PUBLIC_READS = '1';
  process.env.CONVLAB_DATASET_ROOTS = path.join(t.dir, 'datasets');
  files = await import('~/app/api/runs/[id]/files/[...path]/route.ts');
  login = await import('~/app/api/login/route.ts');
  runsCsv = await import('~/app/api/runs.csv/route.ts');
  run = await createCompletedRun(t);
});
afterAll(async () => {
  await clearModelCache();
  await t.cleanup();
});

function trpc(
  policy: AccessPolicy,
  procedure: string,
  input: unknown,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<Response> {
  const method = init.method ?? 'POST';
  const encoded = JSON.stringify(superjson.serialize(input));
  const url =
    method === 'GET'
      ? `http://dash.example/api/trpc/${procedure}?input=${encodeURIComponent(encoded)}`
      : `http://dash.example/api/trpc/${procedure}`;
  // A streamed body needs duplex: 'half' (Node's fetch; not yet in the DOM's RequestInit type).
  const options: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { 'content-type': 'application/json', host: 'dash.example', ...init.headers },
    body: method === 'POST' ? (init.body ?? encoded) : undefined,
    ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  };
  const request = new Request(url, options);
  return handleTRPCRequest(request, {
    db: () => Promise.resolve(t.db),
    policy,
    dataPolicy: dataPolicy(t.dir),
  });
}

/** Asks auth.status every 25 ms until `work` settles; returns the slowest answer's milliseconds. */
async function slowestAnswerDuring<T>(work: Promise<T>): Promise<{ result: T; slowestMs: number }> {
  let done = false;
  let slowestMs = 0;
  let answers = 0;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await trpc(PUBLIC_READS, 'auth.status', undefined, { method: 'GET' });
      expect(response.status).toBe(200);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answers++;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const result = await work.finally(() => (done = true));
  await probe;
  expect(answers).toBeGreaterThan(0);
  return { result, slowestMs };
}

const upload = (name: string, bytes: Buffer) => ({ name, data: bytes.toString('base64') });

interface PredictBody {
  result: { data: { json: { predictions: { ok: boolean; error?: string }[] } } };
}

describe('uploads cannot stall the server', () => {
  it('refuses a progressive-JPEG bomb and 8 small bombs while another client is answered within 200 ms', async () => {
    const bomb = progressiveJpeg(4096, 4096, 5000); // ~228 KB; about 9 s for jpeg-js to decode
    const small = progressiveJpeg(2048, 2048, 5000);
    const work = Promise.all([
      trpc(PUBLIC_READS, 'predict.images', {
        runId: run.runId,
        images: [upload('bomb.jpg', bomb)],
      }),
      trpc(PUBLIC_READS, 'predict.images', {
        runId: run.runId,
        images: Array.from({ length: 8 }, (_, i) => upload(`small-${i}.jpg`, small)),
      }),
    ]);
    const { result, slowestMs } = await slowestAnswerDuring(work);
    expect(slowestMs).toBeLessThan(200);
    for (const response of result) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as PredictBody;
      for (const prediction of body.result.data.json.predictions) {
        expect(prediction.ok).toBe(false);
        expect(prediction.error).toMatch(/too costly/);
      }
    }
  });

  it('serves 4 of 10 heavy uploads at once and answers the rest 429, staying responsive', async () => {
    // Allowed, but about a second each to decode: 4096² pixels in 12 progressive scans.
    const heavy = progressiveJpeg(4096, 4096, 12);
    const work = Promise.all(
      Array.from({ length: 10 }, () =>
        trpc(PUBLIC_READS, 'predict.images', {
          runId: run.runId,
          images: [upload('heavy.jpg', heavy)],
        }),
      ),
    );
    const { result, slowestMs } = await slowestAnswerDuring(work);
    const statuses = result.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_QUEUED_PREDICTIONS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - MAX_QUEUED_PREDICTIONS);
    expect(slowestMs).toBeLessThan(200);
    for (const response of result.filter((r) => r.status === 200)) {
      const body = (await response.json()) as PredictBody;
      expect(body.result.data.json.predictions[0]?.ok).toBe(true);
    }
  });
});

describe('a model that fails to load', () => {
  it('frees what it allocated: 20 failures leave tf.memory() and RSS flat', async () => {
    const { id } = await t.caller().runs.queue({ config: { preset: 'tiny-cnn' } });
    const { report } = await t.caller().reports.byRun({ runId: run.runId });
    if (!report) throw new Error('expected a report');
    await saveReport(t.db, id, report);
    await t.db.run.update({ where: { id }, data: { status: 'completed', finishedAt: new Date() } });
    // A 100,000-unit layer whose weights file holds a 10-unit one: tfjs builds the big variables
    // (25.6 MB) before it finds the mismatch.
    const big = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [64] })] });
    const modelDir = path.join(runDir(id), 'model');
    mkdirSync(modelDir, { recursive: true });
    await big.save(
      tf.io.withSaveHandler((artifacts) => {
        const topology = JSON.stringify(artifacts.modelTopology).replace(
          '"units":10',
          '"units":100000',
        );
        writeFileSync(
          path.join(modelDir, 'model.json'),
          JSON.stringify({
            format: 'layers-model',
            modelTopology: JSON.parse(topology) as unknown,
            weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
          }),
        );
        writeFileSync(
          path.join(modelDir, 'weights.bin'),
          Buffer.from(artifacts.weightData as ArrayBuffer),
        );
        return Promise.resolve({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
        });
      }),
    );
    big.dispose();
    const predict = () =>
      t.caller().predict.images({ runId: id, images: [upload('a.png', run.pngOf(0))] });
    // Two tries first: the backend's heap grows to what one load needs, once.
    for (let i = 0; i < 2; i++) await expect(predict()).rejects.toMatchObject({ code: 'CONFLICT' });
    const tensors = tf.memory().numTensors;
    const rss = process.memoryUsage().rss;
    for (let i = 0; i < 20; i++)
      await expect(predict()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024);
  });
});

/** A body of `total` bytes made on demand; `pulled()` says how much of it was asked for. */
function endlessBody(total: number) {
  let pulled = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(97);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe('bodies before authentication', () => {
  it('refuses a 400 MB login post with 413, reading no more than the cap', async () => {
    const rss = process.memoryUsage().rss;
    const body = endlessBody(400 * 1024 * 1024);
    const streamed: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { host: 'dash.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: body.stream,
      duplex: 'half',
    };
    const response = await login.POST(new Request('http://dash.example/api/login', streamed));
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(2 * 1024 * 1024);
    const declared = await login.POST(
      new Request('http://dash.example/api/login', {
        method: 'POST',
        headers: { host: 'dash.example', 'content-length': String(400 * 1024 * 1024) },
        body: 'token=x',
      }),
    );
    expect(declared.status).toBe(413);
    expect(process.memoryUsage().rss - rss).toBeLessThan(20 * 1024 * 1024);
    // A real sign-in still fits.
    const ok = await login.POST(
      new Request('http://dash.example/api/login', {
        method: 'POST',
        headers: { host: 'dash.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${TOKEN}&next=${encodeURIComponent('/.//evil.example')}`,
      }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    expect(MAX_LOGIN_BODY_BYTES).toBeLessThanOrEqual(8192);
  });

  it('reads nothing of a post that may not even read: 401 before the body', async () => {
    const rss = process.memoryUsage().rss;
    const bodies = Array.from({ length: 10 }, () => endlessBody(30 * 1024 * 1024));
    const responses = await Promise.all(
      bodies.map((body) => trpc(PRIVATE, 'predict.images', undefined, { body: body.stream })),
    );
    for (const response of responses) expect(response.status).toBe(401);
    for (const body of bodies) expect(body.pulled()).toBeLessThanOrEqual(1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(20 * 1024 * 1024);
    const body = (await responses[0]?.json()) as { error: { json: { data: { code: string } } } };
    expect(body.error.json.data.code).toBe('UNAUTHORIZED');
  });
});

describe('server paths and readers', () => {
  it("hides absolute paths from an anonymous reader's runs list and CSV, not from a writer", async () => {
    const folder = path.join(t.dir, 'datasets', 'pets');
    mkdirSync(path.join(folder, 'cat'), { recursive: true });
    mkdirSync(path.join(folder, 'dog'), { recursive: true });
    await t.caller().runs.queue({ config: { preset: 'tiny-cnn', dataset: `folder:${folder}` } });

    const anonymous = await trpc(PUBLIC_READS, 'runs.list', undefined, { method: 'GET' });
    const anonymousText = await anonymous.text();
    expect(anonymous.status).toBe(200);
    expect(anonymousText).toContain('folder:…/pets');
    expect(anonymousText).not.toContain(t.dir);
    const writer = await trpc(PUBLIC_READS, 'runs.list', undefined, {
      method: 'GET',
      headers: { 'x-convlab-token': TOKEN },
    });
    expect(await writer.text()).toContain(`folder:${folder}`);

    const csv = await runsCsv.GET(
      new Request('http://dash.example/api/runs.csv', { headers: { host: 'dash.example' } }),
    );
    const csvText = await csv.text();
    expect(csv.status).toBe(200);
    expect(csvText).toContain('folder:…/pets');
    expect(csvText).not.toContain(t.dir);

    // report.json holds the config: downloaded by a reader, its paths are cut too.
    const { id } = await t.caller().runs.queue({ config: { preset: 'tiny-cnn' } });
    mkdirSync(runDir(id), { recursive: true });
    writeFileSync(
      path.join(runDir(id), 'report.json'),
      JSON.stringify({ config: { dataset: `folder:${folder}` }, testAcc: 0.5 }),
    );
    const report = (headers: Record<string, string>) =>
      files.GET(
        new Request(`http://dash.example/api/runs/${id}/files/report.json`, {
          headers: { host: 'dash.example', ...headers },
        }),
        { params: Promise.resolve({ id, path: ['report.json'] }) },
      );
    const forReader = await report({});
    expect(forReader.status).toBe(200);
    expect(JSON.parse(await forReader.text())).toEqual({
      config: { dataset: 'folder:…/pets' },
      testAcc: 0.5,
    });
    expect(await (await report({ 'x-convlab-token': TOKEN })).text()).toContain(folder);
  });

  it('refuses a start-up command line where any -H is off loopback', () => {
    const next = ['node', '/repo/node_modules/next/dist/bin/next', 'start'];
    const hosts = listeningHosts([...next, '-H', '127.0.0.1', '-H', '0.0.0.0', '-p', '3000']);
    expect(hosts).toEqual(['127.0.0.1', '0.0.0.0']);
    expect(() => checkListeningHost({ HOST: '127.0.0.1' }, hosts)).toThrow(/listens on 0\.0\.0\.0/);
    expect(() => checkListeningHost({ HOST: '127.0.0.1' }, ['127.0.0.1', '::1'])).not.toThrow();
  });
});
