import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { GradCamFile } from '../../src/contracts/grad-cam-file.ts';
import {
  analyseRuns,
  MAX_REPORT_RUNS,
  parseLabReportInput,
  renderHtmlReport,
  renderMarkdownReport,
  validationCountFor,
  type ReportRun,
} from '../../src/report/index.ts';
import { modelSummaryTable } from '../../src/report/report-tables.ts';
import { cyclingLabels, predictionsWithMistakes, reportRun } from './report-fixture.ts';

const labels = cyclingLabels(30);

function tinyPng(width: number, height: number): string {
  const png = new PNG({ width, height, colorType: 6 });
  png.data.fill(200);
  return PNG.sync.write(png).toString('base64');
}

/** Grad-CAM of two cat→dog mistakes, the map at twice the image's resolution. */
const gradCam: GradCamFile = {
  layer: 'conv2d_2',
  width: 8,
  height: 8,
  entries: [0, 3].map((index) => ({
    index,
    trueLabel: 'cat',
    predictedLabel: 'dog',
    image: tinyPng(4, 4),
    maps: [
      {
        classIndex: 1,
        label: 'dog',
        probability: 0.8,
        heatmap: Buffer.from(Array.from({ length: 64 }, (_, i) => i * 4)).toString('base64'),
        peak: { x: 1, y: 1 },
      },
    ],
  })),
};

const runs: ReportRun[] = [
  {
    ...reportRun({ id: 'a', labels, predictions: predictionsWithMistakes(labels, [0, 3, 4]) }),
    gradCam,
  },
  reportRun({
    id: 'b',
    preset: 'seed-cnn',
    labels,
    predictions: predictionsWithMistakes(labels, [0, 1]),
  }),
];
const input = { title: 'Test <report>', generatedAt: '2026-01-01T00:00:00Z', runs };

describe('the HTML report', () => {
  const html = renderHtmlReport(input);

  it('is one file that references nothing outside itself', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(?!data:)[a-z]+:/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('@media print');
    // Every sentence of the analysis is in it, escaped.
    for (const sentence of analyseRuns(parseLabReportInput(input)))
      expect(html).toContain(sentence.text.replaceAll('&', '&amp;').replaceAll("'", '&#39;'));
    expect(html).toContain('<title>Test &lt;report&gt;</title>');
  });

  it('shows the charts as inline SVG and Grad-CAM examples as data URIs', () => {
    // Validation accuracy, test accuracy, and loss + accuracy per run.
    expect(html.match(/<svg /g)).toHaveLength(2 + 2 * runs.length);
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).toContain('Grad-CAM (layer conv2d_2)');
  });
});

describe('the Markdown report', () => {
  const { markdown, assets } = renderMarkdownReport(input);

  it('links every figure relatively, and every link is one of its assets', () => {
    const links = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    const paths = assets.map((asset) => asset.path);
    expect(new Set(links)).toEqual(new Set(paths));
    expect(paths).toContain('assets/validation-accuracy.png');
    expect(paths).toContain('assets/a-image-0-grad-cam-1.png');
    for (const asset of assets) {
      expect(asset.path).toMatch(/^assets\/[A-Za-z0-9_.-]+\.png$/);
      const png = PNG.sync.read(Buffer.from(asset.bytes));
      expect(png.width).toBeGreaterThan(0);
    }
  });
});

describe('report input', () => {
  it('refuses more than the bound, duplicates and mismatched lists in one line', () => {
    const many = Array.from({ length: MAX_REPORT_RUNS + 1 }, (_, i) =>
      reportRun({ id: `r${i}`, labels, predictions: labels }),
    );
    expect(() => renderHtmlReport({ ...input, runs: many })).toThrow(
      `invalid report input: runs: a report compares at most ${MAX_REPORT_RUNS} runs`,
    );
    expect(() => renderHtmlReport({ ...input, runs: [runs[0], runs[0]] })).toThrow(
      /each run may appear once/,
    );
    const short = { ...(runs[0] as ReportRun), predictions: labels.slice(1) };
    expect(() => renderHtmlReport({ ...input, runs: [short] })).toThrow(
      /29 predictions for 30 test labels/,
    );
  });
});

describe('report tables and facts', () => {
  it('folds a long pretrained backbone into one row of the model summary', () => {
    const layers = Array.from({ length: 30 }, (_, i) => ({
      name: `block_${i}`,
      kind: 'Conv2D',
      outputShape: [3, 3, 1280],
      params: 10,
      trainable: i >= 28,
      backbone: i < 28,
      fineTuned: i >= 20 && i < 28,
    }));
    const table = modelSummaryTable({
      name: 'transfer-plus',
      layers,
      totalParams: 300,
      trainableParams: 20,
      nonTrainableParams: 280,
      fineTunedParams: 80,
    });
    expect(table.rows[0]).toEqual([
      'pretrained backbone (28 layers)',
      'MobileNetV2',
      '(3, 3, 1280)',
      '280',
      'frozen; fine-tuning trains 8 of its layers',
    ]);
    expect(table.rows.slice(1, 3).map((row) => row[0])).toEqual(['block_28', 'block_29']);
    expect(table.rows.at(-1)).toEqual(['Fine-tuning also trains', '', '', '80', '']);
  });

  it('works the validation count out from the training count and the split', () => {
    // 2000 images at 10%: 200 validation, 1800 training; 45,000 of 50,000 for CIFAR-10.
    expect(validationCountFor(1800, 0.1)).toBe(200);
    expect(validationCountFor(45_000, 0.1)).toBe(5000);
    expect(validationCountFor(540, 0.1)).toBe(60);
  });
});
