/**
 * `convlab report` end to end: two tiny runs trained by the real trainer on a real SQLite database,
 * then the report built by the real CLI process as HTML (opened in Chromium from file://), Markdown
 * and PDF, and every bad input refused in one line with nothing left behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { formatPercent, HEADLESS_CHROMIUM_FLAGS } from '@convlab/core/report';
import type { GradCamFile } from '@convlab/core/contracts';
import { enqueueRun } from '@convlab/db';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type ShowJson } from './harness.ts';

const CHROMIUM = process.env.CONVLAB_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

interface ReportJson {
  out: string;
  format: string;
  runs: string[];
  bytes: number;
}

describe('convlab report', () => {
  let sandbox: Sandbox;
  let runIds: string[] = [];
  let otherTestSetId = '';
  let out: string;

  const oneLine = (stderr: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    return lines[0] ?? '';
  };
  /** Files a failed or finished report left in a folder: no temporary ones. */
  const leftovers = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

  beforeAll(async () => {
    sandbox = createSandbox();
    out = path.join(sandbox.dir, 'out');
    mkdirSync(out);
    const common = ['--preset', 'tiny-cnn', '--dataset', 'synthetic', '--train-limit', '300'];
    runIds = [
      await sandbox.queue([
        ...common,
        '--test-limit',
        '100',
        '--epochs',
        '2',
        '--group',
        'lab',
        '--name',
        'tiny A',
      ]),
      await sandbox.queue([
        ...common,
        '--test-limit',
        '100',
        '--epochs',
        '3',
        '--group',
        'lab',
        '--name',
        'tiny B',
        '--learning-rate',
        '0.003',
      ]),
    ];
    // Same dataset, other test images (another test limit): a different test set.
    otherTestSetId = await sandbox.queue([
      ...common,
      '--test-limit',
      '50',
      '--epochs',
      '1',
      '--name',
      'tiny C',
    ]);
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const { code } = await trainer.exited;
    expect(code, trainer.output()).toBe(0);
    // A Grad-CAM file for run A's most confused class pair, as the evaluation stores it.
    const shown = JSON.parse(
      (await sandbox.cli(['show', runIds[0] ?? '', '--json'])).stdout,
    ) as ShowJson;
    if (!shown.report) throw new Error('expected a report');
    const { classNames, confusionMatrix } = shown.report;
    let pair = { t: 0, p: 1, count: -1 };
    confusionMatrix.forEach((row, t) =>
      row.forEach((count, p) => {
        if (t !== p && count > pair.count) pair = { t, p, count };
      }),
    );
    const png = new PNG({ width: 32, height: 32, colorType: 6 });
    png.data.fill(180);
    const gradCam: GradCamFile = {
      layer: 'conv2d_2',
      width: 32,
      height: 32,
      entries: [
        {
          index: 0,
          trueLabel: classNames[pair.t] ?? '',
          predictedLabel: classNames[pair.p] ?? '',
          image: PNG.sync.write(png).toString('base64'),
          maps: [
            {
              classIndex: pair.p,
              label: classNames[pair.p] ?? '',
              probability: 0.7,
              heatmap: Buffer.alloc(32 * 32, 128).toString('base64'),
              peak: { x: 0.5, y: 0.5 },
            },
          ],
        },
      ],
    };
    writeFileSync(
      path.join(sandbox.dir, 'runs', runIds[0] ?? '', 'grad-cam.json'),
      JSON.stringify(gradCam),
    );
  }, 240_000);
  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('writes a self-contained HTML report that makes no request in Chromium', async () => {
    const file = path.join(out, 'report.html');
    const result = await sandbox.cli(['report', ...runIds, '--out', file, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as ReportJson;
    expect(json).toEqual({ out: file, format: 'html', runs: runIds, bytes: statSync(file).size });
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/https?:\/\//i);
    // The analysis states the stored test accuracies.
    for (const id of runIds) {
      const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson;
      expect(html).toContain(formatPercent(shown.report?.testAcc ?? NaN));
    }
    expect(html).toMatch(/McNemar&#39;s exact test|right on exactly the same test images/);
    expect(html).toContain('Grad-CAM (layer conv2d_2)');
    expect(leftovers(out)).toEqual([]);
    if (!hasChromium) return;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...HEADLESS_CHROMIUM_FLAGS],
    });
    try {
      const page = await browser.newPage();
      const url = pathToFileURL(file).href;
      const requests: string[] = [];
      page.on('request', (request) => {
        if (request.url() !== url) requests.push(request.url());
      });
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForTimeout(300);
      expect(requests).toEqual([]);
      expect(await page.locator('svg.chart').count()).toBe(2 + 2 * runIds.length);
      expect(await page.locator('li[data-topic="overfitting"]').count()).toBe(2);
    } finally {
      await browser.close();
    }
  });

  it('writes Markdown whose every link resolves, from a comparison group', async () => {
    const dir = path.join(out, 'md');
    mkdirSync(dir);
    const file = path.join(dir, 'report.md');
    const result = await sandbox.cli([
      'report',
      '--group',
      'lab',
      '--out',
      file,
      '--format',
      'md',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as ReportJson).runs.sort()).toEqual([...runIds].sort());
    const markdown = readFileSync(file, 'utf8');
    const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(6);
    for (const link of links) {
      expect(link).toMatch(/^assets\//);
      expect(existsSync(path.join(dir, link)), link).toBe(true);
    }
    expect(links).toContain('assets/validation-accuracy.png');
    expect(readdirSync(dir).sort()).toEqual(['assets', 'report.md']);
  });

  it('states a test-set difference instead of testing runs across it', async () => {
    const file = path.join(out, 'different.html');
    const result = await sandbox.cli(['report', runIds[0] ?? '', otherTestSetId, '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(
      /tested on 2 different test sets \(synthetic \(100 test images\): tiny A; synthetic \(50 test images\): tiny C\)/,
    );
    expect(html).not.toContain('data-topic="significance"');
  });

  it.skipIf(!hasChromium)('prints a PDF with Chromium', async () => {
    const file = path.join(out, 'report.pdf');
    const result = await sandbox.cli(['report', ...runIds, '--out', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*report\.pdf \(pdf, 2 runs/);
    const pdf = readFileSync(file).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const pages = pdf.match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThan(40);
  });

  it('says how to get Chromium when it is absent, writing nothing', async () => {
    const file = path.join(out, 'absent.pdf');
    const result = await sandbox.cli(['report', ...runIds, '--out', file], {
      CONVLAB_CHROMIUM: path.join(sandbox.dir, 'no-chromium'),
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/apt-get install chromium/);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses bad input in one line with a non-zero exit, leaving nothing behind', async () => {
    const [a = '', b = ''] = runIds;
    const db = sandbox.db();
    const queued = await enqueueRun(db, { config: { preset: 'tiny-cnn' } });
    for (let i = 0; i < 21; i += 1)
      await enqueueRun(db, { config: { preset: 'tiny-cnn' }, groupId: 'big' });
    const file = path.join(out, 'bad.html');
    const cases: [string[], number, RegExp][] = [
      [['report', a, 'nope', '--out', file], 1, /unknown run ids: nope/],
      [
        ['report', a, queued.id, '--out', file],
        1,
        new RegExp(`runs not completed: ${queued.id} \\(queued\\)`),
      ],
      [
        ['report', ...Array.from({ length: 21 }, (_, i) => `run${i}`), '--out', file],
        1,
        /asked for 21 runs; a report compares at most 20/,
      ],
      [
        ['report', '--group', 'big', '--out', file],
        1,
        /group big has 21 runs; a report compares at most 20/,
      ],
      [['report', '--group', 'none', '--out', file], 1, /no runs in group none/],
      [['report', a, b], 2, /--out is required/],
      [['report', a, '--group', 'lab', '--out', file], 2, /not both or neither/],
      [['report', a, '--out', file, '--format', 'docx'], 2, /invalid --format/],
      [
        ['report', a, '--out', path.join(out, 'missing', 'r.html')],
        1,
        /cannot write .*missing does not exist/,
      ],
      [
        ['report', a, '--out', path.join(out, 'report.html', 'r.html')],
        1,
        /cannot write .*not writable/,
      ],
      [
        ['report', a, '--out', path.join(out, 'report.html')],
        1,
        /report\.html exists; pass --force to replace it/,
      ],
      [['report', a, '--out', path.join(out, 'md', 'other.md')], 1, /assets exists; pass --force/],
    ];
    const help = await sandbox.cli(['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: convlab report /);
    expect(help.stdout).toMatch(/^ {2}report <run id>\.\.\. \| --group <id> --out <file>/m);
    const before = readFileSync(path.join(out, 'report.html'));
    for (const [args, code, message] of cases) {
      const result = await sandbox.cli(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(oneLine(result.stderr), args.join(' ')).toMatch(message);
    }
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(path.join(out, 'report.html'))).toEqual(before);
    expect(leftovers(out)).toEqual([]);
    expect(leftovers(path.join(out, 'md'))).toEqual([]);
    // --force replaces it.
    const forced = await sandbox.cli([
      'report',
      a,
      '--out',
      path.join(out, 'report.html'),
      '--force',
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'report.html'))).not.toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });
});
