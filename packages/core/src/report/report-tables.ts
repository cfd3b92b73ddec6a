/**
 * The report's tables as rows of text, shared by the HTML and Markdown renderers so both show the
 * same values, formatted the same way.
 */
import { layerTrainingRole, type ModelSummary } from '../contracts/model-summary.ts';
import { TIMED_PARTS } from '../contracts/run-timing.ts';
import type { ReportRun } from './lab-report-input.ts';
import {
  formatCount,
  formatLoss,
  formatPercent,
  formatScore,
  formatSignedPoints,
  formatSeconds,
} from './report-format.ts';
import { configDifferences, datasetFacts, type TestSetGroup } from './run-facts.ts';

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns holding numbers (right-aligned). */
  numeric: number[];
}

export function runsOverviewTable(runs: readonly ReportRun[], labels: Map<string, string>): Table {
  return {
    headers: [
      'Run',
      'Id',
      'Preset',
      'Dataset',
      'Epochs',
      'Test acc',
      'Macro F1',
      'Test loss',
      'Gap',
    ],
    numeric: [4, 5, 6, 7, 8],
    rows: runs.map((run) => [
      labels.get(run.id) ?? run.name,
      run.id,
      `${run.config.preset} v${run.config.presetVersion}`,
      run.dataset,
      String(run.epochs.length),
      formatPercent(run.report.testAcc),
      formatScore(run.report.macroAvg.f1),
      formatLoss(run.report.testLoss),
      formatSignedPoints(run.report.overfittingGap).replace(' percentage points', ' pts'),
    ]),
  };
}

/** One row per test set: its sizes, image shape and classes. */
export function datasetFactsTable(groups: readonly TestSetGroup[]): Table {
  return {
    headers: ['Test set', 'Train', 'Validation', 'Test', 'Stored image', 'Input size', 'Classes'],
    numeric: [1, 2, 3],
    rows: groups.map((group) => {
      const facts = datasetFacts(group.runs[0] as ReportRun);
      const shape = facts.imageShape;
      return [
        group.label,
        facts.trainImages === null ? '—' : formatCount(facts.trainImages),
        facts.validationImages === null ? '—' : formatCount(facts.validationImages),
        formatCount(facts.testImages),
        shape ? `${shape.height}×${shape.width}×${shape.channels}` : '—',
        `${facts.inputSize}×${facts.inputSize}`,
        String(facts.classNames.length),
      ];
    }),
  };
}

/** Test images per class of one test set, with each class's share: the class balance. */
export function classBalanceTable(group: TestSetGroup): Table {
  const facts = datasetFacts(group.runs[0] as ReportRun);
  return {
    headers: ['Class', 'Test images', 'Share'],
    numeric: [1, 2],
    rows: facts.classNames.map((name, index) => {
      const count = facts.testImagesPerClass[index] ?? 0;
      return [
        name,
        formatCount(count),
        formatPercent(facts.testImages > 0 ? count / facts.testImages : 0),
      ];
    }),
  };
}

export function configDifferencesTable(
  runs: readonly ReportRun[],
  labels: Map<string, string>,
): Table | null {
  const differences = configDifferences(runs);
  if (differences.length === 0 || runs.length < 2) return null;
  return {
    headers: ['Field', ...runs.map((run) => labels.get(run.id) ?? run.name)],
    numeric: [],
    rows: differences.map((entry) => [entry.field, ...entry.values]),
  };
}

export function classificationReportTable(run: ReportRun): Table {
  const { report } = run;
  const support = report.macroAvg.support;
  return {
    headers: ['Class', 'Precision', 'Recall', 'F1', 'Support'],
    numeric: [1, 2, 3, 4],
    rows: [
      ...report.perClass.map((c) => [
        c.label,
        formatScore(c.precision),
        formatScore(c.recall),
        formatScore(c.f1),
        formatCount(c.support),
      ]),
      ['accuracy', '', '', formatScore(report.testAcc), formatCount(support)],
      ...(['macro avg', 'weighted avg'] as const).map((name) => {
        const scores = name === 'macro avg' ? report.macroAvg : report.weightedAvg;
        return [
          name,
          formatScore(scores.precision),
          formatScore(scores.recall),
          formatScore(scores.f1),
          formatCount(scores.support),
        ];
      }),
    ],
  };
}

/** Backbones with more layers than this fold into one row: MobileNetV2 has about 150. */
const FOLD_BACKBONE_OVER = 8;

/** The model layer by layer, a long pretrained backbone folded into one summary row. */
export function modelSummaryTable(summary: ModelSummary): Table {
  const shape = (dims: readonly (number | null)[]) =>
    `(${dims.map((d) => d ?? 'None').join(', ')})`;
  const backbone = summary.layers.filter((layer) => layer.backbone);
  const fold = backbone.length > FOLD_BACKBONE_OVER;
  const rows: string[][] = [];
  let folded = false;
  for (const layer of summary.layers) {
    if (fold && layer.backbone) {
      if (folded) continue;
      folded = true;
      const last = backbone.at(-1);
      const fineTuned = backbone.filter((l) => l.fineTuned);
      const role =
        fineTuned.length > 0
          ? `frozen; fine-tuning trains ${fineTuned.length} of its layers`
          : backbone.some((l) => l.trainable)
            ? 'yes'
            : 'frozen';
      rows.push([
        `pretrained backbone (${backbone.length} layers)`,
        'MobileNetV2',
        last ? shape(last.outputShape) : '',
        formatCount(backbone.reduce((sum, l) => sum + l.params, 0)),
        role,
      ]);
      continue;
    }
    rows.push([
      layer.name,
      layer.kind,
      shape(layer.outputShape),
      formatCount(layer.params),
      layerTrainingRole(layer) ?? '',
    ]);
  }
  rows.push(
    ['Total params', '', '', formatCount(summary.totalParams), ''],
    ['Trainable params', '', '', formatCount(summary.trainableParams), ''],
    ['Non-trainable params', '', '', formatCount(summary.nonTrainableParams), ''],
  );
  if (summary.fineTunedParams > 0)
    rows.push(['Fine-tuning also trains', '', '', formatCount(summary.fineTunedParams), '']);
  return { headers: ['Layer', 'Kind', 'Output shape', 'Params', 'Trains'], numeric: [3], rows };
}

export function timingTable(runs: readonly ReportRun[], labels: Map<string, string>): Table {
  return {
    headers: ['Run', 'Backend', ...TIMED_PARTS, 'Train img/s'],
    numeric: [2, 3, 4, 5, 6, 7],
    rows: runs.map((run) => [
      labels.get(run.id) ?? run.name,
      `${run.backend ?? '—'}${run.backendDevice ? ` (${run.backendDevice})` : ''}`,
      ...TIMED_PARTS.map((part) => (run.timing ? formatSeconds(run.timing.seconds[part]) : '—')),
      run.timing ? formatCount(Math.round(run.timing.imagesPerSecond)) : '—',
    ]),
  };
}
