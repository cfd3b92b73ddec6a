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
} from 'recharts';
import { EpochChartFrame, epochLabel, percentTick, percentTooltip } from '../epoch-chart.tsx';
import { colourOf, runLabel, seriesKey, type ComparedRun } from './compared-run.ts';
import { perClassF1Points, valAccuracyPoints } from './comparison-series.ts';

export function ValAccuracyOverlay({ runs }: { runs: ComparedRun[] }) {
  const data = valAccuracyPoints(runs);
  if (data.length === 0) return <p className="muted">No epochs yet.</p>;
  return (
    <EpochChartFrame name="val-accuracy-overlay" data={data}>
      <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
      <Tooltip formatter={percentTooltip} labelFormatter={epochLabel} />
      <Legend />
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

export function FinalAccuracyBars({ runs }: { runs: ComparedRun[] }) {
  const data = runs.map((run) => ({
    run: runLabel(run),
    train: run.finalTrainAcc,
    val: run.bestValAcc,
    test: run.testAcc,
  }));
  return (
    <div className="chart" data-chart="final-accuracy">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="run" tickLine={false} interval={0} tick={{ fontSize: 11 }} />
          <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
          <Tooltip formatter={percentTooltip} />
          <Legend />
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
  return (
    <div className="chart" style={{ height: 300 }} data-chart="per-class-f1">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 40, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis
            dataKey="label"
            tickLine={false}
            interval={0}
            angle={-35}
            textAnchor="end"
            tick={{ fontSize: 11 }}
          />
          <YAxis domain={[0, 1]} width={52} tickFormatter={(v: number) => v.toFixed(1)} />
          <Tooltip
            formatter={(value: unknown) =>
              typeof value === 'number' ? value.toFixed(3) : String(value)
            }
          />
          <Legend verticalAlign="top" />
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
