/**
 * The dashboard as a person uses it, in Debian's Chromium (never a downloaded browser): queue a run from
 * the form, train it with the real `convlab trainer --once`, watch it complete on the leaderboard, read
 * its detail page, train a second run and compare the two. Screenshots land in docs/screenshots/.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyMigrations,
  claimNextRun,
  createDb,
  registerWorker,
  releaseRun,
  updateRunProgress,
} from '@convlab/db';
import { HEADLESS_CHROMIUM_FLAGS } from '@convlab/core/report';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFixture, writeIdxFixture, writeSourcesFile } from '../test/idx-mirror-fixture.ts';
import {
  hiddenByHorizontalScroll,
  overflowingElements,
  overlappingBoxes,
} from './layout-checks.ts';

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = path.resolve(WEB_DIR, '../..');
const NEXT_BIN = path.join(REPO_ROOT, 'node_modules/next/dist/bin/next');
const CONVLAB_BIN = path.join(REPO_ROOT, 'apps/trainer/bin/convlab.mjs');
const SCREENSHOTS = path.join(REPO_ROOT, 'docs/screenshots');
const CHROMIUM = process.env.CONVLAB_CHROMIUM ?? '/usr/bin/chromium';

let tempDir = '';
let baseUrl = '';
let env: NodeJS.ProcessEnv = { ...process.env };
let server: ChildProcess | undefined;
let serverLog = '';
let browser: Browser | undefined;
let mirror: Awaited<ReturnType<typeof serveFixture>> | undefined;
/** A run the first test trained, for the tests that use a trained model. */
let completedRunId: string | undefined;

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.next', 'generated'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Reuses an existing production build unless a source it depends on is newer (same rule as `npm start`). */
function ensureBuild(): void {
  const buildId = path.join(WEB_DIR, '.next/BUILD_ID');
  const sources = Math.max(
    newestMtime(path.join(WEB_DIR, 'src')),
    statSync(path.join(WEB_DIR, 'next.config.ts')).mtimeMs,
    newestMtime(path.join(REPO_ROOT, 'packages/core/src')),
    newestMtime(path.join(REPO_ROOT, 'packages/db/src')),
  );
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= sources) return;
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: WEB_DIR,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) {
      throw new Error(`next start exited (${server.exitCode}):\n${serverLog}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the dashboard did not answer within ${timeoutMs} ms:\n${serverLog}`);
}

/** `convlab trainer --once` on the test database: trains every queued run, then exits. */
function trainQueuedRuns(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CONVLAB_BIN, 'trainer', '--once'],
      { cwd: REPO_ROOT, env, timeout: 180_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`trainer failed: ${error.message}\n${stdout}\n${stderr}`))
          : resolve(stdout),
    );
  });
}

/** The real CLI on the test database; its stdout. */
function convlab(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CONVLAB_BIN, ...args],
      { cwd: REPO_ROOT, env, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`convlab ${args[0]} failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

async function queueFromForm(
  page: Page,
  fields: { epochs: string; seed: string; learningRate?: string; name: string },
) {
  await page.goto(`${baseUrl}/queue`);
  await page.locator('#preset').selectOption('tiny-cnn');
  await page.locator('#dataset').selectOption('synthetic');
  await page.locator('#epochs').fill(fields.epochs);
  await page.locator('#seed').fill(fields.seed);
  if (fields.learningRate) await page.locator('#learningRate').fill(fields.learningRate);
  await page.locator('#name').fill(fields.name);
  await page.getByRole('button', { name: 'Queue run' }).click();
}

beforeAll(async () => {
  tempDir = mkdtempSync(path.join(tmpdir(), 'convlab-e2e-'));
  const port = await freePort();
  const mirrorMd5 = writeIdxFixture(path.join(tempDir, 'mirror'), { train: 200, test: 50 });
  mirror = await serveFixture(path.join(tempDir, 'mirror'));
  baseUrl = `http://127.0.0.1:${port}`;
  env = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
    DATABASE_URL: `file:${path.join(tempDir, 'convlab.db')}`,
    CONVLAB_RUNS_DIR: path.join(tempDir, 'runs'),
    CONVLAB_POLL_MS: '200',
    // Datasets fetched from the page come from a loopback mirror of a tiny MNIST-shaped fixture.
    CONVLAB_DATA_DIR: path.join(tempDir, 'datasets'),
    CONVLAB_DATASET_ROOTS: path.join(tempDir, 'datasets'),
    CONVLAB_DATASET_SOURCES: writeSourcesFile(
      path.join(tempDir, 'sources.json'),
      mirror.url,
      mirrorMd5,
    ),
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  delete env.CONVLAB_TOKEN;
  await applyMigrations(env.DATABASE_URL);
  mkdirSync(SCREENSHOTS, { recursive: true });
  ensureBuild();
  server = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: WEB_DIR,
    env: { ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  await waitForServer(`${baseUrl}/api/trpc/auth.status`, 60_000);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...HEADLESS_CHROMIUM_FLAGS],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await mirror?.close();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

describe('dashboard in a browser', () => {
  it('queues, trains, shows, and compares runs', async () => {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // No page asks for anything that is not there (the favicon included).
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });

    // 1. The form validates on the server and shows the error next to the field.
    await queueFromForm(page, { epochs: '0', seed: '42', name: 'e2e first run' });
    const epochsError = page.locator('[data-field="epochs"] .error');
    await expect.poll(() => epochsError.textContent()).toMatch(/>=\s*1|too small/i);
    await page.locator('#epochs').fill('2');
    await page.getByRole('button', { name: 'Queue run' }).click();
    await page.getByTestId('queued-notice').waitFor();
    await expect(page.locator('[data-field="epochs"] .error').count()).resolves.toBe(0);
    await screenshot(page, 'queue');
    const firstId =
      (await page.getByTestId('queued-notice').locator('a.mono').textContent())?.trim() ?? '';
    expect(firstId).toMatch(/^r[0-9a-z]+$/);

    // 2. The leaderboard shows it queued, with the hint that no trainer is running.
    await page.goto(baseUrl);
    await page.locator(`tr[data-run-id="${firstId}"][data-status="queued"]`).waitFor();
    await page.getByText('no trainer is running').waitFor();

    // 3. A real trainer trains it; the page updates without a reload.
    await trainQueuedRuns();
    await page
      .locator(`tr[data-run-id="${firstId}"][data-status="completed"]`)
      .waitFor({ timeout: 30_000 });
    const row = page.locator(`tr[data-run-id="${firstId}"]`);
    await expect(row.locator('td.num').first().textContent()).resolves.toMatch(/%/);

    // 4. Its detail page: curves, report table, confusion matrix, misclassified gallery.
    await page.goto(`${baseUrl}/runs/${firstId}`);
    await page.locator('[data-chart="accuracy"] .recharts-line-curve').first().waitFor();
    expect(await page.locator('[data-chart="accuracy"] .recharts-line-curve').count()).toBe(2);
    expect(await page.locator('[data-chart="loss"] .recharts-line-curve').count()).toBe(2);
    expect(await page.locator('[data-chart="accuracy"] .recharts-line-dots circle').count()).toBe(
      4,
    );
    const reportRows = page.getByTestId('classification-report').locator('tbody tr');
    expect(await reportRows.count()).toBe(12); // 10 classes + macro + weighted
    await expect(reportRows.last().locator('td').first().textContent()).resolves.toBe(
      'weighted avg',
    );
    const cells = page.locator('[data-testid="confusion-matrix"] rect.cell');
    expect(await cells.count()).toBe(100);
    const counts = await cells.evaluateAll((rects) =>
      rects.map((r) => Number(r.getAttribute('data-count'))),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500); // the synthetic test set
    await expect(page.getByTestId('downloads').textContent()).resolves.toContain(
      'model/model.json',
    );

    // Clicking a cell shows its test images, drawn from the dataset's pixels: the cell of the most
    // confident mistake (the gallery's first image), or a diagonal cell if the model made none.
    const firstMistake = page.getByTestId('misclassified-gallery').locator('figure').first();
    const cell =
      (await firstMistake.count()) > 0
        ? `rect.cell[data-actual-label="${await firstMistake.getAttribute('data-actual-label')}"]` +
          `[data-predicted-label="${await firstMistake.getAttribute('data-predicted-label')}"]`
        : 'rect.cell[data-actual="0"][data-predicted="0"]';
    await page.locator(`[data-testid="confusion-matrix"] ${cell}`).click();
    const cellImages = page.getByTestId('cell-images').locator('img');
    await cellImages.first().waitFor();
    await expect
      .poll(() => cellImages.first().evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBe(32);
    await screenshot(page, 'run-detail', true);

    // 5. A second run with another seed and learning rate, then the comparison.
    await queueFromForm(page, {
      epochs: '2',
      seed: '7',
      learningRate: '0.01',
      name: 'e2e second run',
    });
    await page.getByTestId('queued-notice').waitFor();
    const secondId =
      (await page.getByTestId('queued-notice').locator('a.mono').textContent())?.trim() ?? '';
    await trainQueuedRuns();
    await page.goto(baseUrl);
    await page
      .locator(`tr[data-run-id="${secondId}"][data-status="completed"]`)
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'runs');
    await page.locator(`tr[data-run-id="${firstId}"] input[type="checkbox"]`).check();
    await page.locator(`tr[data-run-id="${secondId}"] input[type="checkbox"]`).check();
    await page.getByRole('button', { name: 'Compare selected' }).click();
    await page.waitForURL(/\/compare\?ids=/);
    await page
      .locator('[data-chart="val-accuracy-overlay"] .recharts-line-curve')
      .first()
      .waitFor();
    expect(
      await page.locator('[data-chart="val-accuracy-overlay"] .recharts-line-curve').count(),
    ).toBe(2);
    expect(
      await page.locator('[data-chart="final-accuracy"] .recharts-bar-rectangle').count(),
    ).toBeGreaterThanOrEqual(6);
    expect(
      await page.locator('[data-chart="per-class-f1"] .recharts-bar-rectangle').count(),
    ).toBeGreaterThanOrEqual(10);
    expect(await page.locator('[data-chart="loss"]').count()).toBe(2);
    const differing = await page
      .getByTestId('config-diff')
      .locator('tbody tr.differs td:first-child')
      .allTextContents();
    expect(differing.sort()).toEqual(['learningRate', 'seed']);
    await screenshot(page, 'compare', true);

    // "Download report": one HTML file that opens offline, asking for nothing beyond itself.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download report' }).click(),
    ]);
    const reportFile = path.join(tempDir, 'compare-report.html');
    await download.saveAs(reportFile);
    const reportPage = await browser.newPage();
    const requested: string[] = [];
    reportPage.on('request', (request) => requested.push(request.url()));
    await reportPage.goto(`file://${reportFile}`);
    await expect(reportPage.locator('body').textContent()).resolves.toContain('e2e second run');
    expect(
      requested.filter((url) => url !== `file://${reportFile}` && !url.startsWith('data:')),
    ).toEqual([]);
    await reportPage.close();

    // 6. Workers: a live daemon with its backend and heartbeat.
    const daemon = spawn(process.execPath, [CONVLAB_BIN, 'trainer'], {
      cwd: REPO_ROOT,
      env,
      stdio: 'ignore',
    });
    try {
      await page.goto(`${baseUrl}/workers`);
      await page.getByTestId('workers-table').waitFor({ timeout: 60_000 });
      await expect(page.getByTestId('workers-table').textContent()).resolves.toMatch(
        /wasm|cpu|tensorflow/,
      );
      await screenshot(page, 'workers');
    } finally {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }

    expect(missing).toEqual([]);
    expect(pageErrors).toEqual([]);
    completedRunId = firstId;
  });

  it("predicts an uploaded PNG on the run page with the CLI's and evaluation's probabilities", async () => {
    if (!browser) throw new Error('no browser');
    const id = completedRunId;
    if (!id) throw new Error('the first test must train a run');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const shown = JSON.parse(await convlab(['show', id, '--json'])) as {
      report: { misclassified: { index: number; predictedLabel: string; confidence: number }[] };
    };
    const mistake = shown.report.misclassified[0];
    if (!mistake) throw new Error('expected a misclassified test image');
    // The test image as the dashboard serves it, uploaded back as a user's file.
    const png = await page.request.get(`${baseUrl}/api/runs/${id}/images/${mistake.index}`);
    expect(png.ok()).toBe(true);
    const file = path.join(tempDir, 'uploaded.png');
    writeFileSync(file, await png.body());

    await page.goto(`${baseUrl}/runs/${id}`);
    const panel = page.getByTestId('predict-panel');
    await panel.waitFor();
    await page.getByTestId('predict-input').setInputFiles(file);
    const card = panel.getByTestId('prediction-card');
    await card.first().waitFor();
    const bars = card.first().locator('.class-bars li');
    expect(await bars.count()).toBe(5);
    const top = bars.first();
    await expect(top.getAttribute('data-label')).resolves.toBe(mistake.predictedLabel);
    const panelProbability = Number(await top.getAttribute('data-probability'));
    expect(panelProbability).toBeCloseTo(mistake.confidence, 5);
    const cli = JSON.parse(await convlab(['predict', id, file, '--json'])) as {
      predictions: { top: { label: string; probability: number }[] }[];
    };
    expect(cli.predictions[0]?.top[0]?.label).toBe(mistake.predictedLabel);
    expect(cli.predictions[0]?.top[0]?.probability).toBeCloseTo(panelProbability, 5);
    // The dashboard's server runs the trainer's backend (never the slow pure-JS fallback).
    await expect(panel.textContent()).resolves.toMatch(
      /predicted on the (wasm|tensorflow) backend/,
    );
    // The test image is like the training data; its inverted copy is not, and says so (still predicted).
    await expect(card.first().getByTestId('predict-ood').count()).resolves.toBe(0);
    const inverted = PNG.sync.read(await png.body());
    for (let i = 0; i < inverted.data.length; i += 4)
      for (let c = 0; c < 3; c++) inverted.data[i + c] = 255 - (inverted.data[i + c] ?? 0);
    const invertedFile = path.join(tempDir, 'inverted.png');
    writeFileSync(invertedFile, PNG.sync.write(inverted));
    await page.getByTestId('predict-input').setInputFiles(invertedFile);
    await expect
      .poll(() => panel.getByTestId('predict-ood').first().textContent())
      .toMatch(/brightness|contrast|less sure/);
    await expect(
      panel.getByTestId('prediction-card').first().locator('.class-bars li').count(),
    ).resolves.toBe(5);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'predict');

    // A file that is not an image is refused before upload, with the reason.
    const text = path.join(tempDir, 'notes.txt');
    writeFileSync(text, 'not an image');
    await page.getByTestId('predict-input').setInputFiles(text);
    await expect
      .poll(() => panel.getByRole('alert').textContent())
      .toContain('only PNG and JPEG images');

    // Random test images come with their true labels.
    await panel.getByRole('button', { name: /random test images/ }).click();
    await expect.poll(() => panel.getByTestId('prediction-card').count()).toBe(4);
    await expect.poll(() => panel.getByText(/^true: /).count()).toBe(4);
    expect(pageErrors).toEqual([]);
  });

  it('overlays Grad-CAM heatmaps on the mistakes, a confusion cell and predictions', async () => {
    if (!browser) throw new Error('no browser');
    const id = completedRunId;
    if (!id) throw new Error('the first test must train a run');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const loadedWidth = (image: Locator) =>
      image.evaluate((img) => (img as HTMLImageElement).naturalWidth);
    await page.goto(`${baseUrl}/runs/${id}`);
    const gallery = page.getByTestId('misclassified-gallery');
    await gallery.locator('figure').first().waitFor();

    // The stored maps of the most confident mistakes: the predicted and the true class, side by side.
    await page.getByTestId('heatmap-toggle-gallery').check();
    const first = gallery.locator('figure').first();
    const overlays = first.getByTestId('heatmap-overlay');
    await expect.poll(() => overlays.count()).toBe(2);
    await expect.poll(() => loadedWidth(overlays.first())).toBe(32);
    await expect.poll(() => loadedWidth(overlays.last())).toBe(32);
    await expect(first.textContent()).resolves.toContain(
      `predicted: ${await first.getAttribute('data-predicted-label')}`,
    );

    // A confusion-matrix cell's images, explained on demand.
    const cell =
      `rect.cell[data-actual-label="${await first.getAttribute('data-actual-label')}"]` +
      `[data-predicted-label="${await first.getAttribute('data-predicted-label')}"]`;
    await page.locator(`[data-testid="confusion-matrix"] ${cell}`).click();
    const cellImages = page.getByTestId('cell-images');
    await cellImages.locator('img').first().waitFor();
    await page.getByTestId('heatmap-toggle-cell').check();
    const cellOverlay = cellImages.getByTestId('heatmap-overlay').first();
    await expect.poll(() => loadedWidth(cellOverlay), { timeout: 30_000 }).toBe(32);
    await gallery.scrollIntoViewIfNeeded();
    await screenshot(page, 'heatmaps', true);

    // Predictions carry their maps: a test image's card swaps its picture for the overlays.
    const panel = page.getByTestId('predict-panel');
    await panel.getByRole('button', { name: /random test images/ }).click();
    await expect.poll(() => panel.getByTestId('prediction-card').count()).toBe(4);
    const card = panel.getByTestId('prediction-card').first();
    await card.getByTestId('heatmap-toggle-predict').check();
    const predicted = card.getByTestId('heatmap-overlay').first();
    await expect.poll(() => loadedWidth(predicted)).toBe(32);
    await expect(predicted.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'predict-heatmaps');
    expect(pageErrors).toEqual([]);
  });

  it('fits the leaderboard at 1280 and 1024 px: every action button in view, long names cut', async () => {
    if (!browser) throw new Error('no browser');
    const longName = `e2e a run with a very long name that would wrap into many lines ${'x'.repeat(60)}`;
    const queued = JSON.parse(
      await convlab([
        'queue',
        '--preset',
        'tiny-cnn',
        '--dataset',
        'synthetic',
        '--name',
        longName,
        '--json',
      ]),
    ) as { id: string };
    for (const width of [1280, 1024]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      await page.goto(baseUrl);
      await page.locator(`tr[data-run-id="${queued.id}"]`).waitFor();
      const buttons = page.locator('[data-testid="runs-table"] .actions button');
      expect(await buttons.count()).toBeGreaterThanOrEqual(3); // Cancel + Delete, Delete, …
      for (const box of await buttons.evaluateAll((elements) =>
        elements.map((e) => e.getBoundingClientRect().toJSON() as DOMRect),
      )) {
        expect(box.width).toBeGreaterThan(20);
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(width);
      }
      // The whole table fits: no column hides under the sticky actions or needs scrolling.
      const wrap = page.locator('.table-wrap').filter({ has: page.getByTestId('runs-table') });
      const [scrollWidth, clientWidth] = await wrap.evaluate((e) => [e.scrollWidth, e.clientWidth]);
      expect(scrollWidth).toBeLessThanOrEqual(Number(clientWidth));
      // Each button shows its whole label (none clipped to "Ca" / "De").
      for (const label of await buttons.allTextContents())
        expect(['Cancel', 'Retry', 'Delete']).toContain(label);
      const name = page.locator(`tr[data-run-id="${queued.id}"] a.run-name`);
      await expect(name.getAttribute('title')).resolves.toBe(longName);
      const [height, lineHeight, clipped] = await name.evaluate((e) => [
        e.getBoundingClientRect().height,
        parseFloat(getComputedStyle(e).lineHeight) || 18,
        e.scrollWidth > e.clientWidth,
      ]);
      expect(height).toBeLessThanOrEqual(Number(lineHeight) + 2); // one line
      expect(clipped).toBe(true);
      await screenshot(page, `runs-${width}`);
      await page.close();
    }
    await convlab(['cancel', queued.id]);
  });

  it('fetches a dataset from the Datasets page and trains a run on a registered folder', async () => {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // 1. Built-in datasets with their state; mnist is fetched from the (loopback) mirror.
    await page.goto(`${baseUrl}/datasets`);
    const mnist = page.locator('[data-testid="builtin-datasets"] tr[data-dataset="mnist"]');
    await expect.poll(() => mnist.getAttribute('data-state'), { timeout: 20_000 }).toBe('missing');
    await expect(
      page.locator('tr[data-dataset="synthetic"]').getAttribute('data-state'),
    ).resolves.toBe('present');
    await mnist.getByRole('button', { name: 'Fetch' }).click();
    await expect.poll(() => mnist.getAttribute('data-state'), { timeout: 30_000 }).toBe('present');
    await expect(page.getByTestId('fetch-mnist').textContent()).resolves.toMatch(/md5 verified/);
    await expect(mnist.textContent()).resolves.toContain('200 / 50');

    // 1b. A copy already on the server: Debian's re-compressed Fashion-MNIST (other .gz bytes than
    // the official files, same contents), imported from a folder inside the dataset roots.
    const copy = path.join(tempDir, 'datasets', 'downloads', 'fashion-mnist');
    cpSync('/usr/share/datasets/fashion-mnist', copy, { recursive: true });
    const fashion = page.locator(
      '[data-testid="builtin-datasets"] tr[data-dataset="fashion-mnist"]',
    );
    await expect
      .poll(() => fashion.getAttribute('data-state'), { timeout: 20_000 })
      .toBe('missing');
    await page.locator('#import-name').selectOption('fashion-mnist');
    await page.locator('#import-path').fill(tempDir);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => page.getByTestId('import-error').textContent())
      .toMatch(/inside a dataset root/);
    await page.locator('#import-path').fill(copy);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => page.getByTestId('import-notice').textContent(), { timeout: 30_000 })
      .toMatch(/Imported fashion-mnist: 4 files, sha256 of the decompressed contents verified/);
    await expect
      .poll(() => fashion.getAttribute('data-state'), { timeout: 20_000 })
      .toBe('present');
    await expect(fashion.textContent()).resolves.toContain('60,000 / 10,000');

    // 2. An image folder: refused outside the dataset roots, then registered and checked.
    const root = path.join(tempDir, 'datasets', 'colours');
    for (const [name, rgb] of [
      ['red', [220, 30, 30]],
      ['blue', [30, 30, 220]],
    ] as const) {
      mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 12; i++) {
        const image = new PNG({ width: 16, height: 16 });
        for (let p = 0; p < 256; p++)
          image.data.set([...rgb.map((c) => c + ((p + i) % 25)), 255], p * 4);
        writeFileSync(path.join(root, name, `${i}.png`), PNG.sync.write(image));
      }
    }
    writeFileSync(path.join(root, 'blue', 'broken.png'), 'not an image');
    await page.locator('#folder-path').fill(tempDir);
    await page.getByRole('button', { name: 'Register folder' }).click();
    await expect
      .poll(() => page.getByTestId('register-error').textContent())
      .toMatch(/inside a dataset root/);
    await page.locator('#folder-path').fill(root);
    await page.locator('#folder-label').fill('Colours');
    await page.getByRole('button', { name: 'Register folder' }).click();
    const notice = page.getByTestId('registered-notice');
    await notice.waitFor();
    await expect(notice.textContent()).resolves.toMatch(
      /Colours: 2 classes, 24 images, unreadable files: 1 \(1 not-an-image\)/,
    );
    await screenshot(page, 'datasets', true);

    // 3. Queue a run on it from the queue form (it is in the dataset select), train it.
    await notice.getByRole('link', { name: 'Queue a run on it' }).click();
    await page.waitForURL(/\/queue\?dataset=/);
    await expect(page.locator('#dataset').inputValue()).resolves.toBe(`folder:${root}`);
    await expect(page.locator('#dataset option:checked').textContent()).resolves.toMatch(
      /Colours \(folder, 2 classes\)/,
    );
    // A missing built-in dataset is marked in the select and offered for fetching.
    await expect
      .poll(() => page.locator('#dataset option[value="cifar10"]').textContent())
      .toBe('cifar10 (missing)');
    await page.locator('#dataset').selectOption('cifar10');
    await page
      .getByTestId('dataset-missing')
      .first() // the run form's (the experiment form below has its own)
      .getByRole('button', { name: 'Fetch it now' })
      .waitFor();
    await page.locator('#dataset').selectOption(`folder:${root}`);
    await page.locator('#epochs').fill('2');
    await page.locator('#name').fill('e2e folder run');
    await page.getByRole('button', { name: 'Queue run' }).click();
    await page.getByTestId('queued-notice').waitFor();
    const id =
      (await page.getByTestId('queued-notice').locator('a.mono').textContent())?.trim() ?? '';
    await trainQueuedRuns();
    const shown = JSON.parse(await convlab(['show', id, '--json'])) as {
      status: string;
      dataset: string;
      report: { testAcc: number; classNames: string[] } | null;
    };
    expect(shown.status).toBe('completed');
    expect(shown.dataset).toBe(`folder:${root}`);
    expect(shown.report?.classNames).toEqual(['blue', 'red']);
    expect(pageErrors).toEqual([]);
  });

  it('creates a grid sweep from the form, trains its trials and plots them', async () => {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const field = (label: string) => page.getByLabel(label, { exact: true });

    // 1. The form: 2 learning rates × 2 batch sizes, one epoch each, on a slice of synthetic.
    await page.goto(`${baseUrl}/sweeps`);
    await field('Name').fill('e2e sweep');
    await field('Preset').selectOption('tiny-cnn');
    await field('Dataset').selectOption('synthetic');
    await field('Method').selectOption('grid');
    await field('Search space').fill('learningRate=0.001,0.01\nbatchSize=16,32');
    await field('Max epochs').fill('1');
    await field('Train limit').fill('200');
    await field('Test limit').fill('100');
    await page.getByRole('button', { name: 'Create sweep' }).click();
    await page.waitForURL(/\/sweeps\/s[0-9a-z]+$/);

    // 2. Its page: the 4 grid points as queued trials, and an empty plot (nothing trained yet).
    const trialRows = page.getByTestId('trials-table').locator('tbody tr');
    await expect.poll(() => trialRows.count()).toBe(4);
    await page.getByTestId('parallel-coordinates').waitFor();
    expect(await page.getByTestId('pc-line').count()).toBe(0);
    expect(await page.getByTestId('rung-chart').count()).toBe(0); // grid: no rungs

    // 3. A real trainer trains the trials; the page fills in without a reload.
    await trainQueuedRuns();
    const bestCells = page.getByTestId('trials-table').locator('td[data-column="bestValAcc"]');
    const scored = async () =>
      (await bestCells.allTextContents()).filter((text) => text.includes('%')).length;
    await expect.poll(scored, { timeout: 30_000 }).toBe(4);
    expect(await page.getByTestId('pc-line').count()).toBe(await scored());
    expect(await trialRows.count()).toBe(4);
    expect(await page.getByTestId('parallel-coordinates').locator('.pc-axis').count()).toBe(3);
    await screenshot(page, 'sweep', true);

    // 4. The best trial's config, cloned into the queue form.
    await page.getByRole('link', { name: 'Queue this config' }).click();
    await page.waitForURL(/\/queue\?from=r[0-9a-z]+$/);
    await page.getByTestId('cloned-notice').waitFor();
    await expect(page.locator('#epochs').inputValue()).resolves.toBe('1');
    await expect(page.locator('#preset').inputValue()).resolves.toBe('tiny-cnn');

    expect(pageErrors).toEqual([]);
  });

  // Last in this block: it leaves CIFAR-10 corrupt for a while (the dashboard caches dataset states).
  it('fits every page at 1280 and 1024 px: nothing wider than its box, no overlapping labels', async () => {
    if (!browser) throw new Error('no browser');
    const listed = JSON.parse(await convlab(['runs', '--json'])) as { id: string; name: string }[];
    const idOf = (name: string) => listed.find((r) => r.name === name)?.id;
    const [firstId, secondId] = [idOf('e2e first run'), idOf('e2e second run')];
    if (!firstId || !secondId) throw new Error('the first test must train two runs');
    const small = ['--dataset', 'synthetic', '--train-limit', '300', '--test-limit', '100'];
    const queue = async (args: string[]) =>
      (JSON.parse(await convlab(['queue', ...args, ...small, '--json'])) as { id: string }).id;
    // 12 epochs: more rows than the old scroll box showed. A learning rate far too small: a run that
    // learns next to nothing. seed-cnn: its speed here gives the lab experiment an estimate.
    const twelve = await queue(['--preset', 'tiny-cnn', '--epochs', '12', '--name', 'e2e twelve']);
    const stuck = await queue([
      '--preset',
      'tiny-cnn',
      '--epochs',
      '2',
      '--learning-rate',
      '0.000001',
    ]);
    await queue(['--preset', 'seed-cnn', '--epochs', '1']);
    await trainQueuedRuns();

    // A run mid-way through caching trunk activations (its long status line), via the queue's API.
    const waiting = await queue(['--preset', 'transfer-plus', '--epochs', '5']);
    const db = createDb({ url: env.DATABASE_URL });
    const worker = await registerWorker(db, {
      host: 'e2e',
      pid: process.pid,
      backend: 'wasm',
      concurrency: 1,
      version: 'e2e',
    });
    // The corrupt copy of CIFAR-10 whose long error must stay inside its card.
    const cifar = path.join(tempDir, 'datasets', 'cifar10', 'cifar-10-batches-bin');
    mkdirSync(cifar, { recursive: true });
    writeFileSync(path.join(cifar, 'test_batch.bin'), Buffer.alloc(3073 * 7));
    try {
      for (const width of [1280, 1024]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        const fits = async (selector: string) =>
          expect(await overflowingElements(page, selector), `${selector} at ${width} px`).toEqual(
            [],
          );

        // Leaderboard: a queued run shows the epochs it will train; a run that learned nothing says
        // so; a long status line wraps inside its cell.
        await page.goto(baseUrl);
        const waitingRow = page.locator(`tr[data-run-id="${waiting}"]`);
        await page.locator(`tr[data-run-id="${stuck}"] [data-verdict="near-chance"]`).waitFor();
        if (width === 1280) {
          // Queued, it shows the epochs it will train (5 frozen + 4 fine-tune), not "0/?".
          await expect.poll(() => waitingRow.locator('td.num').nth(4).textContent()).toBe('0/9');
          expect((await claimNextRun(db, { workerId: worker.id, leaseMs: 600_000 }))?.id).toBe(
            waiting,
          );
          await updateRunProgress(db, waiting, {
            currentEpoch: 1,
            totalEpochs: 9,
            etaSeconds: 250,
            etaLowerBound: true,
            stage: 'cache-trunk',
            cacheDone: 12_000,
            cacheTotal: 45_000,
          });
        }
        await expect
          .poll(() => waitingRow.locator('.progress .text').textContent())
          .toMatch(/caching trunk activations 12,000\/45,000 images · ETA ≥ 4m 10s/);
        await fits('[data-testid="runs-table"]');
        await screenshot(page, `runs-${width}`);

        // Run page: every epoch in view without scrolling, the best one marked; where the time went.
        await page.goto(`${baseUrl}/runs/${twelve}`);
        const epochs = page.getByTestId('epoch-table');
        await epochs.locator('tbody tr').nth(11).waitFor();
        const [scrollHeight, clientHeight] = await epochs.evaluate((table) => {
          const wrap = table.parentElement as HTMLElement;
          return [wrap.scrollHeight, wrap.clientHeight];
        });
        expect(scrollHeight).toBeLessThanOrEqual(Number(clientHeight));
        expect(await epochs.locator('tr[data-best]').count()).toBe(1);
        await expect(epochs.locator('tr[data-best]').textContent()).resolves.toContain('best');
        await expect(page.getByTestId('throughput').textContent()).resolves.toMatch(
          /^[\d,]+ img\/s/,
        );
        await expect(page.getByTestId('epochs-trained').textContent()).resolves.toBe('12');
        for (const detail of await page
          .locator('[data-testid="misclassified-gallery"] .gallery-detail')
          .allTextContents())
          expect(detail).toMatch(/^>?\d+(\.\d+)?% sure/);
        await page.getByTestId('run-timing').waitFor();
        // The model, layer by layer, with Keras's totals (tiny-cnn: 34,522 parameters).
        await expect(page.getByTestId('total-params').textContent()).resolves.toBe('34,522');
        expect(
          await page.locator('[data-testid="model-summary"] tr[data-layer]').count(),
        ).toBeGreaterThan(3);
        await fits('main');
        await screenshot(page, `run-detail-${width}`, true);
        await page.goto(`${baseUrl}/runs/${stuck}`);
        await expect(page.getByTestId('run-verdicts').textContent()).resolves.toMatch(
          /near chance: .*guessing among 10 classes/,
        );

        // Compare 4 runs: tick labels apart, every run's column in view, legend in series order.
        await page.goto(`${baseUrl}/compare?ids=${[firstId, secondId, twelve, stuck].join(',')}`);
        await page.locator('[data-chart="per-class-f1"] .recharts-bar-rectangle').first().waitFor();
        for (const ticks of [
          '[data-chart="final-accuracy"] .recharts-cartesian-axis-tick-value',
          '[data-chart="per-class-f1"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value',
          '[data-chart="val-accuracy-overlay"] .recharts-cartesian-axis-tick-value',
        ])
          expect(await overlappingBoxes(page, ticks), `${ticks} at ${width} px`).toEqual([]);
        expect(await hiddenByHorizontalScroll(page, '[data-testid="config-diff"]')).toEqual([]);
        const columns = page.locator('[data-testid="config-diff"] th[data-run-column]');
        expect(await columns.count()).toBe(4);
        const labels = await columns.allTextContents();
        for (const [i, id] of [firstId, secondId, twelve, stuck].entries()) {
          await expect(columns.nth(i).getAttribute('title')).resolves.toContain(id);
          expect(labels[i]).toContain(id.slice(-6));
        }
        for (const chart of ['val-accuracy-overlay', 'per-class-f1'])
          expect(
            await page
              .locator(`[data-chart="${chart}"] .recharts-legend-item-text`)
              .allTextContents(),
          ).toEqual(labels);
        await fits('main');
        await screenshot(page, `compare-${width}`, true);

        // Datasets: a long error and a long path stay inside their card, the path whole in reach.
        await page.goto(`${baseUrl}/datasets`);
        const cifarRow = page.locator(
          '[data-testid="builtin-datasets"] tr[data-dataset="cifar10"]',
        );
        await expect
          .poll(() => cifarRow.getAttribute('data-state'), { timeout: 20_000 })
          .toBe('corrupt');
        const shownPath = cifarRow.locator('code.dataset-path');
        await expect(shownPath.getAttribute('title')).resolves.toBe(cifar);
        await expect(shownPath.textContent()).resolves.toBe(cifar);
        await fits('main');
        await screenshot(page, `datasets-${width}`, true);

        // Queue page: the lab's CNN first, a hint that follows the dataset, and the experiment's
        // epochs per preset with an estimate where the preset has run here.
        await page.goto(`${baseUrl}/queue`);
        await expect(page.locator('#preset').inputValue()).resolves.toBe('seed-cnn');
        await page.locator('#dataset').selectOption('synthetic');
        await expect
          .poll(() => page.locator('[data-field="dataset"] .hint').textContent())
          .toMatch(/generated on the fly/);
        await page.locator('#dataset').selectOption('cifar10');
        await expect
          .poll(() => page.locator('[data-field="dataset"] .hint').textContent())
          .toMatch(/corrupt on this server/);
        await page.locator('#experiment-dataset').selectOption('synthetic');
        const plan = page.getByTestId('experiment-plan');
        await expect
          .poll(() =>
            plan
              .locator('tr[data-preset="transfer-plus"] [data-testid="plan-epochs"]')
              .textContent(),
          )
          .toBe('9 (5 frozen + 4 fine-tune)');
        // The previous dataset's plan shows until the new one arrives: wait for synthetic's.
        await expect
          .poll(() => plan.locator('tr[data-preset="seed-cnn"]').textContent())
          .toMatch(/≈ \d/);
        await expect(plan.locator('tr[data-preset="cnn-plus"]').textContent()).resolves.toContain(
          'no estimate yet',
        );
        await fits('main');
        await screenshot(page, `queue-${width}`, true);
        expect(pageErrors).toEqual([]);
        await page.close();
      }
    } finally {
      rmSync(path.join(tempDir, 'datasets', 'cifar10'), { recursive: true, force: true });
      await releaseRun(db, waiting).catch(() => undefined);
      await convlab(['cancel', waiting]).catch(() => '');
      await db.$disconnect();
    }
  });
});

describe('the dashboard server refuses to start unsafely', () => {
  /** Starts `next start` with `args` and `extra` env; resolves with its exit code and stderr. */
  function startServer(
    args: string[],
    extra: Record<string, string>,
  ): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [NEXT_BIN, 'start', ...args], {
        cwd: WEB_DIR,
        env: { ...env, ...extra, NODE_ENV: 'production' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server kept running: ${stderr}`));
      }, 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }

  it('exits non-zero with one line off loopback without a token, or when HOST and the bind disagree', async () => {
    const port = String(await freePort());
    // Listening on every interface (no -H) while HOST says loopback: refused.
    const unbound = await startServer(['-p', port], { HOST: '127.0.0.1' });
    expect(unbound.code).not.toBe(0);
    expect(unbound.stderr.trim().split('\n')).toHaveLength(1);
    expect(unbound.stderr).toMatch(/listens on 0\.0\.0\.0/);
    // Asked to bind a non-loopback address with no CONVLAB_TOKEN: refused (it never sends a byte).
    const noToken = await startServer(['-H', '0.0.0.0', '-p', port], { HOST: '0.0.0.0' });
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr.trim().split('\n')).toHaveLength(1);
    expect(noToken.stderr).toMatch(/CONVLAB_TOKEN: required/);
    // Every -H counts: a loopback one first does not hide a later 0.0.0.0 (which Next binds).
    const twoHosts = await startServer(['-H', '127.0.0.1', '-H', '0.0.0.0', '-p', port], {
      HOST: '127.0.0.1',
    });
    expect(twoHosts.code).not.toBe(0);
    expect(twoHosts.stderr.trim().split('\n')).toHaveLength(1);
    expect(twoHosts.stderr).toMatch(/listens on 0\.0\.0\.0/);
  });
});

describe('npm start', () => {
  /** The run's status, read through the CLI. */
  async function statusOf(id: string): Promise<string> {
    return (JSON.parse(await convlab(['show', id, '--json'])) as { status: string }).status;
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`stops the dashboard and the trainer within 20 s on ${signal} to the npm process, the run requeued`, async () => {
      // Long enough to be mid-training when the signal comes.
      const queued = JSON.parse(
        await convlab(
          ['queue', '--preset', 'tiny-cnn', '--dataset', 'synthetic', '--epochs', '50'].concat([
            '--train-limit',
            '2000',
            '--json',
          ]),
        ),
      ) as { id: string };
      const port = await freePort();
      // `npm start` as a process manager starts it: npm is the process that gets the signal.
      const npm = spawn('npm', ['start'], {
        cwd: REPO_ROOT,
        env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
      try {
        await expect
          .poll(() => statusOf(queued.id), { timeout: 90_000, interval: 500 })
          .toBe('running');
        const dashboard = `http://127.0.0.1:${port}/api/trpc/auth.status`;
        await expect
          .poll(
            () =>
              fetch(dashboard).then(
                (r) => r.status,
                () => 0,
              ),
            { timeout: 60_000 },
          )
          .toBe(200);
        // A start says where the dashboard is, and nothing alarming that isn't (issue 25).
        expect(output).toContain(`convlab dashboard on http://127.0.0.1:${port}`);
        expect(output).not.toMatch(/Cannot find package|Turbopack build encountered/);
        const sent = Date.now();
        npm.kill(signal);
        await Promise.race([
          exited,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`npm start still running:\n${output}`)), 20_000),
          ),
        ]);
        expect(Date.now() - sent).toBeLessThan(20_000);
        await expect(fetch(dashboard)).rejects.toThrow(); // nothing listens any more
        expect(await statusOf(queued.id)).toBe('queued');
      } finally {
        if (npm.exitCode === null) npm.kill('SIGKILL');
        await convlab(['cancel', queued.id]).catch(() => '');
      }
    });
  }
});
