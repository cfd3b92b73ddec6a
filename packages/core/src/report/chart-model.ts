/**
 * The report's charts as data: what is drawn where, computed once, then drawn as inline SVG (the HTML
 * report) or rasterised to PNG (the Markdown report's figures), so both show the same picture.
 */
import type { ReportRun } from './lab-report-input.ts';
import { formatSignedPoints } from './report-format.ts';

/** Colour-blind-friendly categorical colours (Okabe–Ito, then Tableau), one per run in order. */
export const RUN_COLOURS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#d55e00',
  '#56b4e9',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#8c564b',
] as const;

export function runColour(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length] ?? '#000000';
}

export interface LineSeries {
  label: string;
  colour: string;
  dashed: boolean;
  points: { x: number; y: number }[];
}

export interface LineChart {
  kind: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Fixed y range (accuracy: 0–1); else the data's range. */
  yRange: [number, number] | null;
}

export interface BarChart {
  kind: 'bar';
  title: string;
  yLabel: string;
  bars: { label: string; colour: string; value: number }[];
  yRange: [number, number];
}

export type Chart = LineChart | BarChart;

export const CHART_SIZE = { width: 520, height: 280 } as const;
const MARGIN = { left: 52, right: 16, top: 34, bottom: 64 } as const;

export interface ChartFrame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
  yTicks: number[];
  xTicks: number[];
  /** Data → pixel coordinates. */
  px: (x: number) => number;
  py: (y: number) => number;
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Math.round(t / step) * step);
  return ticks;
}

export function chartFrame(chart: Chart): ChartFrame {
  const { width, height } = CHART_SIZE;
  let [yMin, yMax] = chart.yRange ?? [Infinity, -Infinity];
  let xMin = 0;
  let xMax = 1;
  if (chart.kind === 'line') {
    const points = chart.series.flatMap((series) => series.points);
    if (!chart.yRange) {
      yMin = Math.min(...points.map((p) => p.y), Infinity);
      yMax = Math.max(...points.map((p) => p.y), -Infinity);
      if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
      const pad = (yMax - yMin) * 0.05 || Math.abs(yMax) * 0.05 || 0.5;
      [yMin, yMax] = [Math.max(0, yMin - pad), yMax + pad];
    }
    xMin = Math.min(...points.map((p) => p.x), 1);
    xMax = Math.max(...points.map((p) => p.x), xMin + 1);
  } else {
    xMax = Math.max(chart.bars.length, 1);
  }
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const top = MARGIN.top;
  const bottom = height - MARGIN.bottom;
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (right - left);
  const py = (y: number) => bottom - ((y - yMin) / (yMax - yMin || 1)) * (bottom - top);
  const xTicks =
    chart.kind === 'line' ? niceTicks(xMin, xMax, 6).filter((t) => Number.isInteger(t)) : [];
  return {
    left,
    top,
    right,
    bottom,
    yMin,
    yMax,
    xMin,
    xMax,
    yTicks: niceTicks(yMin, yMax),
    xTicks,
    px,
    py,
  };
}

/** Panel 1: validation accuracy per epoch, every run. */
export function validationAccuracyChart(
  runs: readonly ReportRun[],
  names: Map<string, string>,
): LineChart {
  return {
    kind: 'line',
    title: 'Validation accuracy per epoch',
    xLabel: 'epoch',
    yLabel: 'val accuracy',
    yRange: [0, 1],
    series: runs.map((run, index) => ({
      label: names.get(run.id) ?? run.name,
      colour: runColour(index),
      dashed: false,
      points: run.epochs.map((epoch) => ({ x: epoch.epoch, y: epoch.valAcc })),
    })),
  };
}

/** Panel 2: final test accuracy per run. */
export function testAccuracyChart(
  runs: readonly ReportRun[],
  names: Map<string, string>,
): BarChart {
  return {
    kind: 'bar',
    title: 'Test accuracy',
    yLabel: 'test accuracy',
    yRange: [0, 1],
    bars: runs.map((run, index) => ({
      label: names.get(run.id) ?? run.name,
      colour: runColour(index),
      value: run.report.testAcc,
    })),
  };
}

/** Panels 3+: training and validation loss of one run. */
export function lossChart(run: ReportRun, name: string, index: number): LineChart {
  const colour = runColour(index);
  return {
    kind: 'line',
    title: `${name}: loss`,
    xLabel: 'epoch',
    yLabel: 'loss',
    yRange: null,
    series: [
      {
        label: 'train loss',
        colour,
        dashed: false,
        points: run.epochs.map((e) => ({ x: e.epoch, y: e.loss })),
      },
      {
        label: 'val loss',
        colour,
        dashed: true,
        points: run.epochs.map((e) => ({ x: e.epoch, y: e.valLoss })),
      },
    ],
  };
}

/** Panels 4+: training against validation accuracy of one run, with the lab's overfitting gap. */
export function accuracyGapChart(run: ReportRun, name: string, index: number): LineChart {
  const colour = runColour(index);
  return {
    kind: 'line',
    title: `${name}: train vs val accuracy (gap ${formatSignedPoints(run.report.overfittingGap).replace(' percentage points', ' pts')})`,
    xLabel: 'epoch',
    yLabel: 'accuracy',
    yRange: [0, 1],
    series: [
      {
        label: 'train acc',
        colour,
        dashed: false,
        points: run.epochs.map((e) => ({ x: e.epoch, y: e.acc })),
      },
      {
        label: 'val acc',
        colour,
        dashed: true,
        points: run.epochs.map((e) => ({ x: e.epoch, y: e.valAcc })),
      },
    ],
  };
}

/** Tick labels: accuracies as 0.2, losses with as few decimals as the step needs. */
export function tickLabel(value: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : 1;
  const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(step || 1))));
  // A step like 0.25 needs one decimal more than its order of magnitude says.
  const extra = (step * 10 ** decimals) % 1 > 1e-9 ? 1 : 0;
  return value.toFixed(decimals + extra);
}
