import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { datasetOptionsFromConfig, decodePngRgb, encodeImagePng, loadDataset } from '@convlab/core';
import { gradCamFileSchema, type RunConfig } from '@convlab/core/contracts';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { QUEUE_DEPTH_SQL } from '@convlab/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox, type ShowJson } from './harness.ts';

describe('convlab CLI', () => {
  let sandbox: Sandbox;
  /** A completed run, for the tests that use a trained model. */
  let trainedRunId: string | undefined;
  beforeAll(() => {
    sandbox = createSandbox();
  });
  afterAll(async () => {
    await sandbox.cleanup();
  });

  it('migrates an empty database and reports it up to date the second time', async () => {
    const first = await sandbox.cli(['migrate']);
    expect(first.code).toBe(0);
    const second = await sandbox.cli(['migrate']);
    expect(second.stdout).toContain('up to date');
  });

  it('answers --help on every verb with its usage, exit 0, doing nothing else', async () => {
    const verbs = [
      'queue',
      'runs',
      'show',
      'cancel',
      'retry',
      'annotate',
      'predict',
      'report',
      'sweep',
    ].concat(['trainer', 'workers', 'migrate', 'data']);
    for (const verb of verbs) {
      const help = await sandbox.cli([verb, '--help']);
      expect(help.code, `${verb}: ${help.stderr}`).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: convlab ${verb} `));
      expect(help.stdout).toMatch(new RegExp(`^  ${verb}\\b`, 'm'));
    }
    // The usage lists what the verb accepts.
    const queue = await sandbox.cli(['queue', '-h']);
    for (const flag of ['--group', '--weights-url', '--dropout', '--validation-split'])
      expect(queue.stdout).toContain(flag);
    const predict = await sandbox.cli(['predict', '--help']);
    for (const flag of ['--explain', '--class']) expect(predict.stdout).toContain(flag);
    expect((await sandbox.cli(['--help'])).stdout).toMatch(
      /data fetch cifar10\|mnist\|fashion-mnist/,
    );
  });

  it('rejects invalid options with one line naming the field', async () => {
    const cases: [string[], RegExp][] = [
      [['--preset', 'tiny-cnn', '--epochs', '0'], /--epochs/],
      [['--preset', 'tiny-cnn', '--batch-size', 'abc'], /--batch-size/],
      [['--preset', 'no-such-preset'], /preset/],
      [['--preset', 'tiny-cnn', '--dataset', 'imagenet'], /--dataset/],
      [['--preset', 'tiny-cnn', '--learning-rate', '5'], /--learning-rate/],
      [['--dataset', 'synthetic'], /--preset is required/],
      [['--preset', 'tiny-cnn', '--bogus', '1'], /bogus/],
      // Not read as 16: only decimal numbers are numbers.
      [['--preset', 'tiny-cnn', '--epochs', '0x10'], /--epochs: expected a decimal number/],
      [['--preset', 'tiny-cnn', '--epochs', ''], /--epochs/],
      // Checked when queued, not when a trainer gets to it.
      [['--preset', 'tiny-cnn', '--dataset', 'folder:/nonexistent'], /--dataset: .*(exist|inside)/],
      [['--preset', 'tiny-cnn', '--dataset', 'folder:/etc'], /--dataset: .*inside a dataset root/],
      [
        ['--preset', 'transfer-plus', '--weights-url', 'http://127.0.0.1:9/m.json'],
        /--weights-url/,
      ],
      [['--preset', 'tiny-cnn', '--group', 'bad group!'], /--group/],
      [['--preset', 'tiny-cnn', '--train-limit', '1e15'], /--train-limit/],
    ];
    for (const [args, field] of cases) {
      const result = await sandbox.cli(['queue', ...args, '--json']);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(field);
    }
    const runs = await sandbox.cli(['runs', '--json']);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });

  it('queues, lists newest first, cancels and retries', async () => {
    const first = await sandbox.queue(['--preset', 'tiny-cnn', '--dataset', 'synthetic']);
    const second = await sandbox.queue([
      '--preset',
      'seed-cnn',
      '--dataset',
      'synthetic',
      '--seed',
      '7',
    ]);
    const listed = JSON.parse((await sandbox.cli(['runs', '--json'])).stdout) as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual([second, first]);
    // The same list as CSV: a header, then one row per run in the same order.
    const csv = (await sandbox.cli(['runs', '--csv'])).stdout.trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^id,name,status,preset,/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual([second, first]);
    expect((await sandbox.cli(['runs', '--csv', '--json'])).code).not.toBe(0);

    const shown = JSON.parse((await sandbox.cli(['show', second, '--json'])).stdout) as ShowJson;
    expect(shown.status).toBe('queued');
    expect(shown.config).toMatchObject({ preset: 'seed-cnn', dataset: 'synthetic', epochs: 10 });
    // A queued run has no model yet: --summary says so in one line and fails.
    const noSummary = await sandbox.cli(['show', second, '--summary']);
    expect(noSummary.code).not.toBe(0);
    expect(noSummary.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/has no model summary yet: it is recorded when training starts/),
    ]);

    expect((await sandbox.cli(['cancel', first])).code).toBe(0);
    expect((await sandbox.cli(['cancel', second])).code).toBe(0);
    const cancelled = JSON.parse((await sandbox.cli(['show', first, '--json'])).stdout) as ShowJson;
    expect(cancelled.status).toBe('cancelled');

    expect((await sandbox.cli(['retry', first])).code).toBe(0);
    const retried = JSON.parse((await sandbox.cli(['show', first, '--json'])).stdout) as ShowJson;
    expect(retried.status).toBe('queued');
    expect((await sandbox.cli(['cancel', first])).code).toBe(0);

    const missing = await sandbox.cli(['show', 'r-does-not-exist']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no run/);
  });

  it('reports failing actions in exactly one line, and prints names from others safely', async () => {
    const id = await sandbox.queue(['--preset', 'tiny-cnn', '--dataset', 'synthetic']);
    const cases: [string[], RegExp][] = [
      [['cancel', 'rdoesnotexist0000'], /no run with id/],
      [['retry', 'rdoesnotexist0000'], /no run with id/],
      [['retry', id], /cannot retry run .* it is queued/],
    ];
    for (const [args, message] of cases) {
      const result = await sandbox.cli(args);
      expect(result.code, args.join(' ')).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
    // A name with terminal escape sequences is shown escaped, never interpreted.
    const named = await sandbox.queue([
      '--preset',
      'tiny-cnn',
      '--dataset',
      'synthetic',
      '--name',
      'evil \u001b[2J\u001b]0;pwned\u0007 name',
    ]);
    const shown = await sandbox.cli(['show', named]);
    const raw = (text: string) => text.includes('\u001b') || text.includes('\u0007');
    expect(raw(shown.stdout)).toBe(false);
    expect(shown.stdout).toContain('evil \\u001b[2J');
    const listed = await sandbox.cli(['runs']);
    expect(raw(listed.stdout)).toBe(false);
    for (const run of [id, named]) await sandbox.cli(['cancel', run]);
  });

  it('shows an invalid stored config once, as invalid, and a queued run without a progress line', async () => {
    const id = await sandbox.queueTinyRun({ epochs: 1 });
    const db = sandbox.db();
    const stored = await db.run.findUniqueOrThrow({ where: { id } });
    await db.run.update({
      where: { id },
      data: { config: JSON.stringify({ ...JSON.parse(stored.config), epochs: -3 }) },
    });
    const shown = await sandbox.cli(['show', id]);
    expect(shown.code, shown.stderr).toBe(0);
    const configLines = shown.stdout.split('\n').filter((line) => line.startsWith('config:'));
    expect(configLines).toHaveLength(1);
    expect(configLines[0]).toMatch(/^config: +invalid \(.*epochs/);
    expect(shown.stdout).not.toMatch(/^progress:/m);
    await sandbox.cli(['cancel', id]);
  });

  it('works for a scheduler: queue depth, --max-runs N, and --once leaving an empty queue with 0', async () => {
    const own = createSandbox();
    try {
      const depth = async () =>
        (JSON.parse((await own.cli(['queue', 'depth', '--json'])).stdout) as { depth: number })
          .depth;
      expect(await depth()).toBe(0);
      const sql = await own.cli(['queue', 'depth', '--sql']);
      expect(sql.code).toBe(0);
      expect(sql.stdout.trim()).toBe(QUEUE_DEPTH_SQL);
      const first = await own.queueTinyRun({ epochs: 1, trainLimit: 200, testLimit: 100 });
      const second = await own.queueTinyRun({ epochs: 1, trainLimit: 200, testLimit: 100 });
      expect(await depth()).toBe(2);
      expect((await own.cli(['queue', 'depth'])).stdout.trim()).toBe('2');

      // A pod that may train one run: it claims one, finishes it and leaves the other queued.
      const one = own.startTrainer(['--max-runs', '1', '--concurrency', '1']);
      expect((await one.exited).code, one.output()).toBe(0);
      const statuses = async () =>
        Promise.all(
          [first, second].map(
            async (id) =>
              (JSON.parse((await own.cli(['show', id, '--json'])).stdout) as ShowJson).status,
          ),
        );
      expect((await statuses()).sort()).toEqual(['completed', 'queued']);
      expect(await depth()).toBe(1);

      const rest = own.startTrainer(['--once', '--concurrency', '1']);
      expect((await rest.exited).code, rest.output()).toBe(0);
      expect(await statuses()).toEqual(['completed', 'completed']);
      expect(await depth()).toBe(0);
      // An extra pod on an empty queue finds nothing and leaves with 0.
      const extra = own.startTrainer(['--once']);
      expect((await extra.exited).code, extra.output()).toBe(0);
      const bad = await own.cli(['trainer', '--max-runs', '0']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim()).toBe(
        'convlab: invalid --max-runs: expected an integer from 1 to 100000',
      );
    } finally {
      await own.cleanup();
    }
  });

  it('trains a queued run end to end with trainer --once', async () => {
    const id = await sandbox.queueTinyRun({ epochs: 2, trainLimit: 400 });
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1']);
    const { code } = await trainer.exited;
    expect(code, trainer.output()).toBe(0);

    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson;
    expect(shown.status).toBe('completed');
    expect(shown.backend).toMatch(/^(wasm|cpu|tensorflow|tensorflow-gpu)$/);
    expect(shown.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    // Learning happened: 10 balanced classes, so chance is 10%.
    expect(shown.report?.testAcc).toBeGreaterThan(0.3);
    expect(shown.report?.perClass).toHaveLength(10);
    expect(shown.report?.confusionMatrix).toHaveLength(10);
    // Where the time went, and the training speed, kept with the run (issue 25).
    const train = shown.timing?.phases[0];
    expect(train).toMatchObject({ phase: 'train', epochs: 2 });
    expect(shown.timing?.imagesPerSecond).toBeGreaterThan(0);
    expect(shown.timing?.imagesPerSecond).toBeCloseTo(
      (train?.images ?? 0) / (shown.timing?.seconds.training ?? 1),
      6,
    );
    for (const part of ['loading', 'training', 'validation', 'evaluation'] as const)
      expect(shown.timing?.seconds[part], part).toBeGreaterThan(0);
    expect(shown.verdicts).toEqual([]);

    const text = await sandbox.cli(['show', id]);
    expect(text.stdout).toContain('completed');
    expect(text.stdout).toMatch(/test acc/);
    expect(text.stdout).toMatch(/^timing: +[\d,]+ img\/s · loading [\d.]+ s · caching/m);
    // The model's architecture, recorded when training started (issue 26).
    expect(shown.modelSummary?.layers.map((l) => l.kind)).toContain('Conv2D');
    expect(shown.modelSummary?.totalParams).toBe(34_522);
    const summary = await sandbox.cli(['show', id, '--summary']);
    expect(summary.stdout).toMatch(/^LAYER +KIND +OUTPUT SHAPE +PARAMS +TRAINS$/m);
    expect(summary.stdout).toMatch(/^total params: +34,522$/m);
    trainedRunId = id;
  });

  it('predicts PNG and JPEG files with the probabilities evaluation gave the same test image', async () => {
    const id = trainedRunId;
    if (!id) throw new Error('the training test must run first');
    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson & {
      config: RunConfig;
      report: { misclassified: { index: number; predictedLabel: string; confidence: number }[] };
    };
    const mistake = shown.report.misclassified[0];
    if (!mistake) throw new Error('expected a misclassified test image');
    // The run's own test image, saved losslessly: evaluation's stored confidence must come back.
    const dataset = await loadDataset('synthetic', datasetOptionsFromConfig(shown.config));
    const testPng = path.join(sandbox.dir, 'test-image.png');
    writeFileSync(testPng, encodeImagePng(dataset.test, mistake.index));
    // Its inverted copy: unlike any test image, still predicted, with a warning.
    const invertedPng = path.join(sandbox.dir, 'inverted.png');
    const invertedSet = { ...dataset.test, images: dataset.test.images.map((v) => 255 - v) };
    writeFileSync(invertedPng, encodeImagePng(invertedSet, mistake.index));
    // Any size, any format: a 90×60 JPEG is resized as training images were.
    const photo = path.join(sandbox.dir, 'photo.jpg');
    const rgba = Buffer.alloc(90 * 60 * 4, 255);
    for (let p = 0; p < 90 * 60; p++) rgba.set([40 + (p % 90), 90, 200, 255], p * 4);
    writeFileSync(photo, jpeg.encode({ data: rgba, width: 90, height: 60 }, 90).data);
    const notImage = path.join(sandbox.dir, 'notes.png');
    writeFileSync(notImage, 'not an image');

    const result = await sandbox.cli([
      'predict',
      id,
      testPng,
      photo,
      notImage,
      invertedPng,
      '--top',
      '3',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(3); // one file could not be read; the others' results printed
    expect(result.stderr.trim()).toBe('convlab: 1 of 4 images could not be read');
    const output = JSON.parse(result.stdout) as {
      runId: string;
      backend: string;
      classNames: string[];
      predictions: (
        | {
            file: string;
            top: { label: string; classIndex: number; probability: number }[];
            probabilities: number[];
            outOfDistribution: { flagged: boolean; reasons: string[] } | null;
          }
        | { file: string; error: string }
      )[];
    };
    expect(output.runId).toBe(id);
    expect(output.classNames).toHaveLength(10);
    const [test, jpg, bad, inverted] = output.predictions;
    if (!test || !('top' in test) || !jpg || !('top' in jpg) || !inverted || !('top' in inverted))
      throw new Error(result.stdout);
    expect(test.file).toBe(testPng);
    expect(test.top).toHaveLength(3);
    expect(test.top[0]?.label).toBe(mistake.predictedLabel);
    expect(test.top[0]?.probability).toBeCloseTo(mistake.confidence, 6);
    expect(test.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(jpg.probabilities).toHaveLength(10);
    expect(jpg.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(bad).toEqual({ file: notImage, ok: false, error: 'not a PNG or JPEG file' });
    expect(test).toMatchObject({ ok: true });
    expect(test.outOfDistribution).toEqual({ flagged: false, reasons: [] });
    expect(jpg.outOfDistribution).not.toBeNull();
    expect(inverted.outOfDistribution?.flagged).toBe(true);
    expect(inverted.outOfDistribution?.reasons[0]).toMatch(
      /^its brightness \(mean \d+\) is outside/,
    );

    const text = await sandbox.cli(['predict', id, testPng, invertedPng]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(mistake.predictedLabel);
    expect(text.stdout).toContain(`${(mistake.confidence * 100).toFixed(1)}%`);
    // One warning line, under the inverted copy's classes.
    expect(
      text.stdout.match(/warning: unlike the run's test images: its brightness/g),
    ).toHaveLength(1);
    expect(text.stdout.indexOf('warning:')).toBeGreaterThan(text.stdout.indexOf(invertedPng));

    const queuedId = await sandbox.queue(['--preset', 'tiny-cnn', '--dataset', 'synthetic']);
    const refused = await sandbox.cli(['predict', queuedId, testPng]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `convlab: cannot predict with run ${queuedId}: it is queued`,
    );
    await sandbox.cli(['cancel', queuedId]);
    const usage = await sandbox.cli(['predict', id]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: convlab predict/);
  });

  it('explains images with Grad-CAM: an overlay PNG per image and class, the peaks in --json', async () => {
    const id = trainedRunId;
    if (!id) throw new Error('the training test must run first');
    // The heatmaps stored when the run was evaluated: its most confident mistakes.
    const stored = gradCamFileSchema.parse(
      JSON.parse(readFileSync(path.join(sandbox.dir, 'runs', id, 'grad-cam.json'), 'utf8')),
    );
    const entry = stored.entries[0];
    if (!entry) throw new Error('expected stored heatmaps');
    const image = path.join(sandbox.dir, 'mistake.png');
    writeFileSync(image, Buffer.from(entry.image, 'base64'));
    const out = path.join(sandbox.dir, 'explained');
    const result = await sandbox.cli([
      'predict',
      id,
      image,
      '--explain',
      out,
      '--class',
      entry.trueLabel,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      predictions: {
        top: { label: string }[];
        explanations: {
          label: string;
          file: string;
          probability: number;
          peak: { x: number; y: number };
        }[];
      }[];
    };
    const [prediction] = output.predictions;
    expect(prediction?.top[0]?.label).toBe(entry.predictedLabel);
    // The predicted class first, then the asked one; the same maps the run stored for this image.
    expect(prediction?.explanations.map((e) => e.label)).toEqual([
      entry.predictedLabel,
      entry.trueLabel,
    ]);
    prediction?.explanations.forEach((explained, i) => {
      expect(explained.peak.x).toBeCloseTo(entry.maps[i]?.peak.x ?? NaN, 1);
      expect(explained.peak.y).toBeCloseTo(entry.maps[i]?.peak.y ?? NaN, 1);
      expect(explained.probability).toBeCloseTo(entry.maps[i]?.probability ?? NaN, 5);
      expect(explained.file).toBe(path.join(out, `mistake.${explained.label}.png`));
      const png = decodePngRgb(readFileSync(explained.file));
      expect(png).toMatchObject({ width: stored.width, height: stored.height });
    });

    const text = await sandbox.cli(['predict', id, image, '--explain', out]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/heatmap for \S+: .*mistake\.\S+\.png \(peak at 0\.\d\d, 0\.\d\d/);
    const unknown = await sandbox.cli(['predict', id, image, '--explain', out, '--class', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^convlab: --class nope: run \S+ has no such class/);
    const without = await sandbox.cli(['predict', id, image, '--class', entry.trueLabel]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--class names a class to explain: it needs --explain <dir>/);
    const blocked = await sandbox.cli(['predict', id, image, '--explain', path.join(image, 'x')]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr.trim().split('\n')).toHaveLength(1);
    expect(blocked.stderr).toMatch(/cannot create the folder/);
  });

  it('refuses a device or folder given as an image at once, reading nothing of it', async () => {
    const id = trainedRunId;
    if (!id) throw new Error('the training test must run first');
    const started = performance.now();
    const result = await sandbox.cli(['predict', id, '/dev/zero', sandbox.dir, '--json']);
    expect(result.code, result.stderr).toBe(3);
    expect(performance.now() - started).toBeLessThan(30_000);
    const output = JSON.parse(result.stdout) as { predictions: { file: string; error: string }[] };
    expect(output.predictions).toEqual([
      { file: '/dev/zero', ok: false, error: 'not a regular file' },
      { file: sandbox.dir, ok: false, error: 'not a regular file' },
    ]);
  });

  it('trains an image folder inside the dataset roots and reports the files it skipped', async () => {
    const datasets = path.join(sandbox.dir, 'datasets');
    const root = path.join(datasets, 'shapes');
    const colours: Record<string, [number, number, number]> = {
      red: [220, 30, 30],
      blue: [30, 30, 220],
    };
    for (const [name, rgb] of Object.entries(colours)) {
      mkdirSync(path.join(root, name), { recursive: true });
      for (let i = 0; i < 30; i++) {
        const image = new PNG({ width: 12, height: 12 });
        for (let p = 0; p < 144; p++)
          image.data.set([...rgb.map((c) => c + ((p * 7 + i) % 20)), 255], p * 4);
        writeFileSync(path.join(root, name, `${i}.png`), PNG.sync.write(image));
      }
    }
    // A header claiming 20000×20000 (decoding it would take gigabytes) and a file that is no image.
    const bomb = PNG.sync.write(new PNG({ width: 1, height: 1 }));
    bomb.writeUInt32BE(20000, 16);
    bomb.writeUInt32BE(20000, 20);
    writeFileSync(path.join(root, 'red', 'bomb.png'), bomb);
    writeFileSync(path.join(root, 'blue', 'notes.png'), 'not an image');
    const env = { CONVLAB_DATASET_ROOTS: datasets };
    const queued = await sandbox.cli(
      ['queue', '--preset', 'tiny-cnn', '--dataset', 'folder:shapes', '--epochs', '1', '--json'],
      env,
    );
    expect(queued.code, queued.stderr).toBe(0);
    const { id } = JSON.parse(queued.stdout) as { id: string };
    const trainer = sandbox.startTrainer(['--once', '--concurrency', '1'], env);
    expect((await trainer.exited).code, trainer.output()).toBe(0);
    const shown = JSON.parse((await sandbox.cli(['show', id, '--json'])).stdout) as ShowJson & {
      skipped: { count: number; byKind: Record<string, number>; examples: { file: string }[] };
    };
    expect(shown.status).toBe('completed');
    expect(shown.skipped.count).toBe(2);
    expect(shown.skipped.byKind).toEqual({ 'too-many-pixels': 1, 'not-an-image': 1 });
    expect(shown.skipped.examples.map((e) => e.file).sort()).toEqual([
      path.join('blue', 'notes.png'),
      path.join('red', 'bomb.png'),
    ]);
    const text = await sandbox.cli(['show', id]);
    expect(text.stdout).toMatch(/skipped: +2 dataset files/);
    // A run with skipped files still prints its config (once).
    expect(text.stdout.match(/^config: +\{"preset":"tiny-cnn"/gm)).toHaveLength(1);
  });
});
