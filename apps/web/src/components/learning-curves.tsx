'use client';
/** Per-epoch charts of one run: accuracy and loss (train vs validation) and the overfitting gap. */
import { Legend, Line, Tooltip, YAxis } from 'recharts';
import { EpochChartFrame, epochLabel, percentTick, percentTooltip } from './epoch-chart.tsx';

export interface EpochPoint {
  epoch: number;
  phase: string;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
}

const TRAIN_COLOUR = '#2f6fde';
const VAL_COLOUR = '#e0762b';
const GAP_COLOUR = '#c0392b';

const lossTooltip = (value: unknown) =>
  typeof value === 'number' ? value.toFixed(4) : String(value);

interface TrainValChartProps {
  epochs: EpochPoint[];
  height: number;
  chart: 'accuracy' | 'loss';
}

/** One metric of a run, train against validation, per epoch. */
function TrainValChart({ epochs, height, chart }: TrainValChartProps) {
  const accuracy = chart === 'accuracy';
  const [trainKey, valKey] = accuracy
    ? (['acc', 'valAcc'] as const)
    : (['loss', 'valLoss'] as const);
  return (
    <EpochChartFrame name={chart} height={height} data={epochs}>
      {accuracy ? (
        <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
      ) : (
        <YAxis width={52} tickFormatter={(v: number) => v.toFixed(2)} />
      )}
      <Tooltip formatter={accuracy ? percentTooltip : lossTooltip} labelFormatter={epochLabel} />
      <Legend />
      {(
        [
          [trainKey, 'train', TRAIN_COLOUR],
          [valKey, 'val', VAL_COLOUR],
        ] as const
      ).map(([dataKey, split, colour]) => (
        <Line
          key={dataKey}
          type="monotone"
          dataKey={dataKey}
          name={`${split} ${chart}`}
          stroke={colour}
          strokeWidth={2}
          dot={{ r: 3 }}
          isAnimationActive={false}
        />
      ))}
    </EpochChartFrame>
  );
}

export function AccuracyChart({ epochs, height = 260 }: { epochs: EpochPoint[]; height?: number }) {
  return <TrainValChart epochs={epochs} height={height} chart="accuracy" />;
}

export function LossChart({ epochs, height = 260 }: { epochs: EpochPoint[]; height?: number }) {
  return <TrainValChart epochs={epochs} height={height} chart="loss" />;
}

/** Train − val accuracy per epoch: a widening gap is overfitting. */
export function GapChart({ epochs, height = 200 }: { epochs: EpochPoint[]; height?: number }) {
  const data = epochs.map((e) => ({ epoch: e.epoch, gap: e.acc - e.valAcc }));
  return (
    <EpochChartFrame name="gap" height={height} data={data}>
      <YAxis tickFormatter={percentTick} width={52} />
      <Tooltip formatter={percentTooltip} labelFormatter={epochLabel} />
      <Line
        type="monotone"
        dataKey="gap"
        name="train − val accuracy"
        stroke={GAP_COLOUR}
        strokeWidth={2}
        dot={{ r: 3 }}
        isAnimationActive={false}
      />
    </EpochChartFrame>
  );
}
