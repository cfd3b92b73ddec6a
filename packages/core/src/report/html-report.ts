/**
 * The lab report as one self-contained HTML file: inline CSS, charts as inline SVG, pictures as data:
 * URIs, and a Content-Security-Policy that forbids fetching anything, so it opens offline, makes no
 * request and prints on A4.
 */
import { analyseRuns } from './analysis.ts';
import {
  accuracyGapChart,
  lossChart,
  testAccuracyChart,
  validationAccuracyChart,
} from './chart-model.ts';
import { gradCamExamplesFor } from './grad-cam-examples.ts';
import { enlargedImagePng, gradCamOverlayPng } from './grad-cam-overlay.ts';
import { escapeHtml } from './html-escape.ts';
import { parseLabReportInput, type LabReportInput, type ReportRun } from './lab-report-input.ts';
import { formatCount, formatPercent } from './report-format.ts';
import {
  classBalanceTable,
  classificationReportTable,
  configDifferencesTable,
  datasetFactsTable,
  modelSummaryTable,
  runsOverviewTable,
  timingTable,
  type Table,
} from './report-tables.ts';
import {
  CONFUSED_PAIRS_PER_RUN,
  mostConfusedPairs,
  runLabels,
  testSetGroups,
} from './run-facts.ts';
import { chartSvg } from './svg-charts.ts';

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .meta { color: #666; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
.chart { width: 100%; height: auto; font: 11px system-ui, sans-serif; fill: #333; }
.chart .chart-title { font-size: 13px; font-weight: 600; }
.analysis li { margin: 4px 0; }
.cm td { text-align: center; min-width: 26px; font-variant-numeric: tabular-nums; }
.cm th.rot { vertical-align: bottom; }
.cm th.rot span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; display: inline-block; }
.examples { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 12px; }
.example { border: 1px solid #ddd; padding: 6px; font-size: 11.5px; }
.example img { width: 112px; height: 112px; image-rendering: pixelated; display: block; }
.example .pics { display: flex; gap: 4px; }
.run { break-before: page; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; }
  table, .chart, .example, li { break-inside: avoid; }
  .grid { gap: 6px; }
}`;

function tableHtml(table: Table, className = ''): string {
  const head = table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map(
            (cell, i) =>
              `<td${table.numeric.includes(i) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function confusionMatrixHtml(run: ReportRun): string {
  const { classNames, confusionMatrix } = run.report;
  const largest = Math.max(1, ...confusionMatrix.flat());
  const head = classNames
    .map((name) => `<th class="rot"><span>${escapeHtml(name)}</span></th>`)
    .join('');
  const rows = confusionMatrix
    .map((row, r) => {
      const cells = row
        .map((count, c) => {
          const shade = count / largest;
          const hue = r === c ? '0, 158, 115' : '0, 114, 178';
          const ink = shade > 0.55 ? '#fff' : '#222';
          return `<td style="background: rgba(${hue}, ${shade.toFixed(3)}); color: ${ink}">${count}</td>`;
        })
        .join('');
      return `<tr><th>${escapeHtml(classNames[r] ?? '')}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="cm"><thead><tr><th>true ↓ / predicted →</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

const pngDataUri = (bytes: Uint8Array) =>
  `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

function confusedPairsHtml(run: ReportRun): string {
  const pairs = mostConfusedPairs(run, CONFUSED_PAIRS_PER_RUN);
  if (pairs.length === 0) return '<p>No test image was misclassified.</p>';
  const items = pairs.map((pair) => {
    const examples = gradCamExamplesFor(run, pair);
    const pictures = examples.map((entry) => {
      const image = Buffer.from(entry.image, 'base64');
      const maps = entry.maps.map(
        (map) =>
          `<figure style="margin:0"><img alt="Grad-CAM for ${escapeHtml(map.label)}" src="${pngDataUri(gradCamOverlayPng(image, map, run.gradCam ?? { width: 1, height: 1 }, 0))}"><figcaption>${escapeHtml(map.label)} ${formatPercent(map.probability)}</figcaption></figure>`,
      );
      return `<div class="example"><div class="pics"><figure style="margin:0"><img alt="test image ${entry.index}" src="${pngDataUri(enlargedImagePng(image, 0))}"><figcaption>image ${entry.index}</figcaption></figure>${maps.join('')}</div></div>`;
    });
    return `<li><b>${escapeHtml(pair.trueLabel)}</b> predicted as <b>${escapeHtml(pair.predictedLabel)}</b>: ${formatCount(pair.count)} test images${
      pictures.length > 0 ? `<div class="examples">${pictures.join('')}</div>` : ''
    }</li>`;
  });
  const note = run.gradCam
    ? `<p class="meta">Grad-CAM (layer ${escapeHtml(run.gradCam.layer)}): the test image, then where the model found evidence for the predicted class and for the true class (blue = none, red = most).</p>`
    : '';
  return `${note}<ul>${items.join('')}</ul>`;
}

function runSection(run: ReportRun, name: string): string {
  const parts = [
    `<section class="run" id="run-${escapeHtml(run.id)}"><h2>${escapeHtml(name)}</h2>`,
    `<p class="meta">${escapeHtml(run.id)} · ${escapeHtml(run.config.preset)} on ${escapeHtml(run.dataset)} · test accuracy ${formatPercent(run.report.testAcc)}</p>`,
    '<h3>Classification report</h3>',
    tableHtml(classificationReportTable(run)),
    '<h3>Confusion matrix</h3>',
    confusionMatrixHtml(run),
    '<h3>Most-confused class pairs</h3>',
    confusedPairsHtml(run),
    '<h3>Model summary</h3>',
    run.modelSummary
      ? tableHtml(modelSummaryTable(run.modelSummary))
      : '<p>No model summary was recorded for this run (it trained before summaries were kept).</p>',
    '</section>',
  ];
  return parts.join('\n');
}

/** Builds the HTML report; throws on input that does not validate (one line). */
export function renderHtmlReport(draft: unknown): string {
  const input: LabReportInput = parseLabReportInput(draft);
  const { runs } = input;
  const labels = runLabels(runs);
  const name = (run: ReportRun) => labels.get(run.id) ?? run.name;
  const groups = testSetGroups(runs);
  const sentences = analyseRuns(input);
  const panels = [
    chartSvg(validationAccuracyChart(runs, labels)),
    chartSvg(testAccuracyChart(runs, labels)),
    ...runs.flatMap((run, i) => [
      chartSvg(lossChart(run, name(run), i)),
      chartSvg(accuracyGapChart(run, name(run), i)),
    ]),
  ];
  const differences = configDifferencesTable(runs, labels);
  const body = [
    `<header><h1>${escapeHtml(input.title)}</h1><p class="meta">${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${escapeHtml(input.generatedAt)} by convlab</p></header>`,
    '<section id="analysis"><h2>Analysis</h2><ul class="analysis">',
    ...sentences.map((s) => `<li data-topic="${s.topic}">${escapeHtml(s.text)}</li>`),
    '</ul></section>',
    `<section id="runs"><h2>Runs</h2>${tableHtml(runsOverviewTable(runs, labels))}</section>`,
    `<section id="panels"><h2>Learning curves</h2><div class="grid">${panels.join('')}</div></section>`,
    '<section id="dataset"><h2>Dataset</h2>',
    tableHtml(datasetFactsTable(groups)),
    ...groups.map(
      (group) =>
        `<h3>Class balance: ${escapeHtml(group.label)}</h3>${tableHtml(classBalanceTable(group))}`,
    ),
    '</section>',
    `<section id="config"><h2>Config differences</h2>${
      differences ? tableHtml(differences) : '<p>The runs share one config.</p>'
    }</section>`,
    `<section id="timing"><h2>Timing and backend</h2>${tableHtml(timingTable(runs, labels))}</section>`,
    ...runs.map((run) => runSection(run, name(run))),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched: the report is one file that works offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}
