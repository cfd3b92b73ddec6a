/**
 * The lab report as Markdown: report.md plus PNG figures under assets/, linked relatively, ready for a
 * MkDocs or GitHub page. The same analysis, tables and charts as the HTML report.
 */
import { analyseRuns } from './analysis.ts';
import {
  accuracyGapChart,
  lossChart,
  testAccuracyChart,
  validationAccuracyChart,
  type Chart,
} from './chart-model.ts';
import { gradCamExamplesFor } from './grad-cam-examples.ts';
import { enlargedImagePng, gradCamOverlayPng } from './grad-cam-overlay.ts';
import { parseLabReportInput, type ReportRun } from './lab-report-input.ts';
import { formatCount, formatPercent } from './report-format.ts';
import { chartPng, confusionMatrixPng } from './png-charts.ts';
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

/** The folder beside report.md that holds its figures. */
export const MARKDOWN_ASSETS_DIR = 'assets';

export interface MarkdownAsset {
  /** Relative to report.md's folder, `/`-separated: `assets/….png`. */
  path: string;
  bytes: Uint8Array;
}

export interface MarkdownReport {
  markdown: string;
  assets: MarkdownAsset[];
}

/** Text safe inside Markdown prose and table cells: markup characters escaped, one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (char) => `\\${char}`).replace(/\s*\n\s*/g, ' ');
}

function tableMarkdown(table: Table): string {
  const row = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const rule = table.headers.map((_, i) => (table.numeric.includes(i) ? '---:' : '---'));
  return [row(table.headers), `| ${rule.join(' | ')} |`, ...table.rows.map(row)].join('\n');
}

/** What the PNG cannot say in text: the title, axes and each series' colour and line style. */
function chartCaption(chart: Chart): string {
  if (chart.kind === 'bar')
    return `${chart.title} (${chart.bars.map((bar) => `${bar.label} ${formatPercent(bar.value)}, ${bar.colour}`).join('; ')})`;
  const legend = chart.series.map((s) => `${s.label}: ${s.colour}${s.dashed ? ' dashed' : ''}`);
  return `${chart.title}; x: ${chart.xLabel}, y: ${chart.yLabel} (${legend.join('; ')})`;
}

export function renderMarkdownReport(draft: unknown): MarkdownReport {
  const input = parseLabReportInput(draft);
  const { runs } = input;
  const labels = runLabels(runs);
  const name = (run: ReportRun) => labels.get(run.id) ?? run.name;
  const groups = testSetGroups(runs);
  const assets: MarkdownAsset[] = [];
  const lines: string[] = [];
  const figure = (file: string, bytes: Uint8Array, alt: string) => {
    const assetPath = `${MARKDOWN_ASSETS_DIR}/${file}`;
    assets.push({ path: assetPath, bytes });
    return `![${escapeMarkdown(alt)}](${assetPath})`;
  };
  const chartFigure = (file: string, chart: Chart) =>
    `${figure(file, chartPng(chart), chart.title)}\n\n_${escapeMarkdown(chartCaption(chart))}_`;

  lines.push(
    `# ${escapeMarkdown(input.title)}`,
    '',
    `${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${escapeMarkdown(input.generatedAt)} by convlab`,
    '',
    '## Analysis',
    '',
    ...analyseRuns(input).map((sentence) => `- ${escapeMarkdown(sentence.text)}`),
    '',
    '## Runs',
    '',
    tableMarkdown(runsOverviewTable(runs, labels)),
    '',
    '## Learning curves',
    '',
    chartFigure('validation-accuracy.png', validationAccuracyChart(runs, labels)),
    '',
    chartFigure('test-accuracy.png', testAccuracyChart(runs, labels)),
    '',
  );
  for (const [index, run] of runs.entries()) {
    lines.push(
      chartFigure(`${run.id}-loss.png`, lossChart(run, name(run), index)),
      '',
      chartFigure(`${run.id}-accuracy.png`, accuracyGapChart(run, name(run), index)),
      '',
    );
  }
  lines.push('## Dataset', '', tableMarkdown(datasetFactsTable(groups)), '');
  for (const group of groups)
    lines.push(
      `### Class balance: ${escapeMarkdown(group.label)}`,
      '',
      tableMarkdown(classBalanceTable(group)),
      '',
    );
  const differences = configDifferencesTable(runs, labels);
  lines.push(
    '## Config differences',
    '',
    differences ? tableMarkdown(differences) : 'The runs share one config.',
    '',
    '## Timing and backend',
    '',
    tableMarkdown(timingTable(runs, labels)),
    '',
  );
  for (const run of runs) {
    lines.push(
      `## ${escapeMarkdown(name(run))}`,
      '',
      `${escapeMarkdown(run.id)} · ${escapeMarkdown(run.config.preset)} on ${escapeMarkdown(run.dataset)} · test accuracy ${formatPercent(run.report.testAcc)}`,
      '',
      '### Classification report',
      '',
      tableMarkdown(classificationReportTable(run)),
      '',
      '### Confusion matrix',
      '',
      figure(
        `${run.id}-confusion-matrix.png`,
        confusionMatrixPng(run.report.confusionMatrix),
        `${name(run)}: confusion matrix`,
      ),
      '',
      `_Rows: true class, columns: predicted class, in the order ${escapeMarkdown(run.report.classNames.join(', '))}; the diagonal (right answers) in green._`,
      '',
      '### Most-confused class pairs',
      '',
    );
    const pairs = mostConfusedPairs(run, CONFUSED_PAIRS_PER_RUN);
    if (pairs.length === 0) lines.push('No test image was misclassified.', '');
    for (const pair of pairs) {
      lines.push(
        `- **${escapeMarkdown(pair.trueLabel)}** predicted as **${escapeMarkdown(pair.predictedLabel)}**: ${formatCount(pair.count)} test images`,
      );
      for (const entry of gradCamExamplesFor(run, pair)) {
        const image = Buffer.from(entry.image, 'base64');
        const pictures = [
          figure(
            `${run.id}-image-${entry.index}.png`,
            enlargedImagePng(image),
            `test image ${entry.index}`,
          ),
          ...entry.maps.map((map) =>
            figure(
              `${run.id}-image-${entry.index}-grad-cam-${map.classIndex}.png`,
              gradCamOverlayPng(image, map, run.gradCam ?? { width: 1, height: 1 }),
              `Grad-CAM for ${map.label} (${formatPercent(map.probability)})`,
            ),
          ),
        ];
        lines.push(`  ${pictures.join(' ')}`);
      }
    }
    lines.push(
      '',
      '### Model summary',
      '',
      run.modelSummary
        ? tableMarkdown(modelSummaryTable(run.modelSummary))
        : 'No model summary was recorded for this run (it trained before summaries were kept).',
      '',
    );
  }
  return { markdown: lines.join('\n'), assets };
}
