'use client';
/** Charts that overlay every compared run: validation accuracy, final accuracies, per-class F1. */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type YAxisTickContentProps,
} from 'recharts';
import { EpochChartFrame, epochLabel, percentTick, percentTooltip } from '../epoch-chart.tsx';
import { classTickLayout, finalAccuracyHeight, inSeriesOrder } from './chart-layout.ts';
import { colourOf, runLabel, runTitle, seriesKey, type ComparedRun } from './compared-run.ts';
import { perClassF1Points, valAccuracyPoints } from './comparison-series.ts';

/** Room for the run labels left of the final-accuracy bars (two lines of at most ~20 characters). */
const RUN_AXIS_WIDTH = 140;

const runSeriesKeys = (runs: ComparedRun[]) => runs.map((_, r) => seriesKey(r));

export function ValAccuracyOverlay({ runs }: { runs: ComparedRun[] }) {
  const data = valAccuracyPoints(runs);
  if (data.length === 0) return <p className="muted">No epochs yet.</p>;
  const order = inSeriesOrder(runSeriesKeys(runs));
  return (
    <EpochChartFrame name="val-accuracy-overlay" data={data}>
      <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
      <Tooltip formatter={percentTooltip} labelFormatter={epochLabel} itemSorter={order} />
      <Legend itemSorter={order} />
      {runs.map((run, r) => (
        <Line
          key={run.id}
          type="monotone"
          dataKey={seriesKey(r)}
          name={runLabel(run)}
          stroke={colourOf(r)}
          strokeWidth={2}
          dot={{ r: 3 }}
          connectNulls
          isAnimationActive={false}
        />
      ))}
    </EpochChartFrame>
  );
}

/** A run's label on the final-accuracy axis: name (or preset) over the short id, full name on hover. */
function RunTick(props: YAxisTickContentProps & { runs: ComparedRun[] }) {
  const label = String(props.payload.value);
  const run = props.runs.find((candidate) => runLabel(candidate) === label);
  // runLabel ends in " · <short id>": the id goes on a second line to keep the axis narrow.
  const cut = label.lastIndexOf(' · ');
  const lines = cut === -1 ? [label] : [label.slice(0, cut), label.slice(cut + 3)];
  return (
    <text
      x={props.x}
      y={props.y}
      className={props.className}
      textAnchor="end"
      fontSize={11}
      fill="#5f6b7a"
      data-run-tick={run?.id}
    >
      {run && <title>{runTitle(run)}</title>}
      {lines.map((line, i) => (
        // The lines are centred on the band: the first is raised by half the extra line.
        <tspan key={i} x={props.x} dy={i === 0 ? `${0.35 - (lines.length - 1) * 0.6}em` : '1.2em'}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

const FINAL_ACCURACY_SERIES = ['train', 'val', 'test'] as const;

/** Horizontal bars, one group per run, so run labels stack down the side instead of crowding. */
export function FinalAccuracyBars({ runs }: { runs: ComparedRun[] }) {
  const data = runs.map((run) => ({
    run: runLabel(run),
    train: run.finalTrainAcc,
    val: run.bestValAcc,
    test: run.testAcc,
  }));
  const order = inSeriesOrder(FINAL_ACCURACY_SERIES);
  return (
    <div
      className="chart"
      style={{ height: finalAccuracyHeight(runs.length) }}
      data-chart="final-accuracy"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" horizontal={false} />
          <XAxis type="number" domain={[0, 1]} tickFormatter={percentTick} />
          <YAxis
            type="category"
            dataKey="run"
            width={RUN_AXIS_WIDTH}
            interval={0}
            tickLine={false}
            tick={(tickProps: YAxisTickContentProps) => <RunTick {...tickProps} runs={runs} />}
          />
          <Tooltip formatter={percentTooltip} itemSorter={order} />
          <Legend verticalAlign="top" itemSorter={order} />
          <Bar dataKey="train" name="final train acc" fill="#9bb9ee" isAnimationActive={false} />
          <Bar dataKey="val" name="best val acc" fill="#e0762b" isAnimationActive={false} />
          <Bar dataKey="test" name="test acc" fill="#2f6fde" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function PerClassF1Bars({ runs }: { runs: ComparedRun[] }) {
  const data = perClassF1Points(runs);
  if (data.length === 0)
    return <p className="muted">Per-class scores appear once a run has a report.</p>;
  const ticks = classTickLayout(data.map((point) => String(point.label)));
  const order = inSeriesOrder(runSeriesKeys(runs));
  return (
    <div className="chart" style={{ height: 240 + ticks.height }} data-chart="per-class-f1">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis
            dataKey="label"
            tickLine={false}
            interval={0}
            angle={ticks.angle}
            textAnchor="end"
            height={ticks.height}
            tick={{ fontSize: 11 }}
          />
          <YAxis domain={[0, 1]} width={52} tickFormatter={(v: number) => v.toFixed(1)} />
          <Tooltip
            formatter={(value: unknown) =>
              typeof value === 'number' ? value.toFixed(3) : String(value)
            }
            itemSorter={order}
          />
          <Legend verticalAlign="top" itemSorter={order} />
          {runs.map((run, r) => (
            <Bar
              key={run.id}
              dataKey={seriesKey(r)}
              name={runLabel(run)}
              fill={colourOf(r)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
