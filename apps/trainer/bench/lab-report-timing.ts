/**
 * Bench case for the lab report (issue 26): a 4-run HTML report built from stored data — the lab's
 * four presets on a CIFAR-10-sized test set (10,000 images, 10 classes), their epochs, model summaries
 * (MobileNetV2's ~155 layers included) and Grad-CAM files — read back through the database and the
 * artifact store and rendered. Targets: ≤ 5 s and ≤ 5 MB.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import {
  CIFAR10_CLASS_NAMES,
  classificationReport,
  confusionMatrix,
  mulberry32,
  overfittingGap,
} from '@convlab/core';
import { runDir } from '@convlab/core/paths';
import { mostConfusedPairs, renderHtmlReport, type ReportRun } from '@convlab/core/report';
import type {
  EpochMetrics,
  GradCamFile,
  ModelSummary,
  PresetName,
  RunReport,
} from '@convlab/core/contracts';
import type * as DbModule from '@convlab/db';
import type { PrismaClient } from '@convlab/db';
import type { BenchResult } from './cases.ts';
import { useRunsDir } from './env.ts';

const TEST_IMAGES = 10_000;
const CLASSES = CIFAR10_CLASS_NAMES;
const TARGET_SECONDS = 5;
const TARGET_BYTES = 5 * 1024 * 1024;

function noisePng(random: () => number): string {
  const png = new PNG({ width: 32, height: 32, colorType: 6 });
  for (let i = 0; i < png.data.length; i += 1)
    png.data[i] = i % 4 === 3 ? 255 : Math.floor(random() * 256);
  return PNG.sync.write(png).toString('base64');
}

/** A smooth blob peaking somewhere, like a real Grad-CAM map. */
function blobHeatmap(size: number, random: () => number): string {
  const [cx, cy] = [random() * size, random() * size];
  const bytes = Buffer.alloc(size * size);
  for (let y = 0; y < size; y += 1)
    for (let x = 0; x < size; x += 1)
      bytes[y * size + x] = Math.round(
        255 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (0.08 * size * size)),
      );
  return bytes.toString('base64');
}

function modelSummary(preset: PresetName): ModelSummary {
  const transfer = preset === 'transfer-plus';
  const layers = Array.from({ length: transfer ? 155 : 9 }, (_, i) => ({
    name: `layer_${i}`,
    kind: i % 3 === 0 ? 'Conv2D' : i % 3 === 1 ? 'BatchNormalization' : 'ReLU',
    outputShape: [8, 8, 64],
    params: i % 3 === 2 ? 0 : 1000 + i,
    trainable: !transfer || i >= 152,
    backbone: transfer && i < 152,
    fineTuned: transfer && i >= 120 && i < 152,
  }));
  const total = layers.reduce((sum, layer) => sum + layer.params, 0);
  return {
    name: preset,
    layers,
    totalParams: total,
    trainableParams: total,
    nonTrainableParams: 0,
    fineTunedParams: 0,
  };
}

/** One stored run: report, epochs and summary in the database; report.json and grad-cam.json in its folder. */
async function storeRun(
  db: typeof DbModule,
  client: PrismaClient,
  preset: PresetName,
  accuracy: number,
  seed: number,
): Promise<string> {
  const random = mulberry32(seed); // seeded: every run of the bench builds the same report
  const transfer = preset === 'transfer-plus';
  const run = await db.enqueueRun(client, {
    config: { preset, dataset: 'cifar10' },
    groupId: 'bench',
  });
  const labels = Array.from({ length: TEST_IMAGES }, (_, i) => i % CLASSES.length);
  const predictions = labels.map((label) =>
    random() < accuracy ? label : (label + 1 + Math.floor(random() * 3)) % CLASSES.length,
  );
  const epochs: EpochMetrics[] = Array.from({ length: transfer ? 15 : 10 }, (_, i) => ({
    epoch: i + 1,
    phase: transfer ? (i < 5 ? 'frozen' : 'fine-tune') : ('train' as const),
    loss: 2 / (i + 1),
    acc: Math.min(0.99, 0.3 + 0.07 * i),
    valLoss: 2 / (i + 1) + 0.02 * i * i,
    valAcc: Math.min(0.9, 0.28 + 0.05 * i),
    lr: 1e-3,
    seconds: 30,
  }));
  const scores = classificationReport(labels, predictions, CLASSES);
  const report: RunReport = {
    testLoss: 0.9,
    testAcc: scores.accuracy,
    overfittingGap: overfittingGap(epochs),
    classNames: CLASSES,
    perClass: scores.perClass,
    macroAvg: scores.macroAvg,
    weightedAvg: scores.weightedAvg,
    confusionMatrix: confusionMatrix(labels, predictions, CLASSES.length),
    misclassified: [],
  };
  await db.saveReport(client, run.id, report);
  for (const epoch of epochs)
    await client.epochMetric.create({ data: { runId: run.id, ...epoch } });
  await db.saveModelSummary(client, run.id, modelSummary(preset));
  await client.run.update({
    where: { id: run.id },
    data: { status: 'completed', finishedAt: new Date(), backend: 'wasm', testAcc: report.testAcc },
  });
  // Grad-CAM of 20 mistakes, spread over the most confused pairs (the report shows those).
  const pairs = mostConfusedPairs({ report } as ReportRun, 3);
  const size = transfer ? 96 : 8;
  const gradCam: GradCamFile = {
    layer: transfer ? 'out_relu' : 'conv2',
    width: size,
    height: size,
    entries: Array.from({ length: 20 }, (_, i) => {
      const pair = pairs[i % pairs.length] ?? {
        trueIndex: 0,
        predictedIndex: 1,
        trueLabel: 'airplane',
        predictedLabel: 'automobile',
      };
      return {
        index: i,
        trueLabel: pair.trueLabel,
        predictedLabel: pair.predictedLabel,
        image: noisePng(random),
        maps: [pair.predictedIndex, pair.trueIndex].map((classIndex) => ({
          classIndex,
          label: CLASSES[classIndex] ?? '',
          probability: 0.5,
          heatmap: blobHeatmap(size, random),
          peak: { x: 0.5, y: 0.5 },
        })),
      };
    }),
  };
  mkdirSync(runDir(run.id), { recursive: true });
  writeFileSync(
    path.join(runDir(run.id), 'report.json'),
    JSON.stringify({ report, predictions, testLabels: labels }),
  );
  writeFileSync(path.join(runDir(run.id), 'grad-cam.json'), JSON.stringify(gradCam));
  return run.id;
}

export async function labReportCase(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'convlab-bench-report-'));
  // This case runs in its own process: the run folders go to the scratch folder.
  useRunsDir(path.join(dir, 'runs'));
  const db = await import('@convlab/db');
  const url = `file:${path.join(dir, 'bench.db')}`;
  try {
    await db.applyMigrations(url);
    const client = db.createDb({ url });
    const presets: [PresetName, number][] = [
      ['seed-cnn', 0.69],
      ['seed-transfer', 0.31],
      ['transfer-plus', 0.88],
      ['cnn-plus', 0.86],
    ];
    const ids: string[] = [];
    for (const [i, [preset, accuracy]] of presets.entries())
      ids.push(await storeRun(db, client, preset, accuracy, i + 1));
    const started = performance.now();
    const input = await db.loadLabReportInput(client, { runIds: ids });
    const loaded = performance.now();
    const html = renderHtmlReport(input);
    const seconds = (performance.now() - started) / 1000;
    await client.$disconnect();
    const bytes = Buffer.byteLength(html);
    return {
      status: seconds <= TARGET_SECONDS && bytes <= TARGET_BYTES ? 'ok' : 'error',
      ...(seconds > TARGET_SECONDS || bytes > TARGET_BYTES
        ? { reason: `over target: ${seconds.toFixed(2)} s, ${bytes} bytes` }
        : {}),
      runs: ids.length,
      testImages: TEST_IMAGES,
      seconds: Math.round(seconds * 1000) / 1000,
      loadSeconds: Math.round(loaded - started) / 1000,
      bytes,
      targetSeconds: TARGET_SECONDS,
      targetBytes: TARGET_BYTES,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
