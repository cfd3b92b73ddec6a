'use client';
/** Per-epoch charts of one run: accuracy and loss (train vs validation) and the overfitting gap. */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface EpochPoint {
  epoch: number;
  phase: string;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
}

export const TRAIN_COLOUR = '#2f6fde';
export const VAL_COLOUR = '#e0762b';
const GAP_COLOUR = '#c0392b';

/** Tooltip title: recharts passes the x value (the epoch number). */
export const epochLabel = (value: unknown) => `epoch ${typeof value === 'number' ? value : '?'}`;
const percentTick = (value: number) => `${Math.round(value * 100)}%`;
const percentTooltip = (value: unknown) =>
  typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : String(value);
const lossTooltip = (value: unknown) =>
  typeof value === 'number' ? value.toFixed(4) : String(value);

export function AccuracyChart({ epochs, height = 260 }: { epochs: EpochPoint[]; height?: number }) {
  return (
    <div className="chart" style={{ height }} data-chart="accuracy">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={epochs} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="epoch" tickLine={false} />
          <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
          <Tooltip formatter={percentTooltip} labelFormatter={epochLabel} />
          <Legend />
          <Line
            type="monotone"
            dataKey="acc"
            name="train accuracy"
            stroke={TRAIN_COLOUR}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="valAcc"
            name="val accuracy"
            stroke={VAL_COLOUR}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function LossChart({ epochs, height = 260 }: { epochs: EpochPoint[]; height?: number }) {
  return (
    <div className="chart" style={{ height }} data-chart="loss">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={epochs} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="epoch" tickLine={false} />
          <YAxis width={52} tickFormatter={(v: number) => v.toFixed(2)} />
          <Tooltip formatter={lossTooltip} labelFormatter={epochLabel} />
          <Legend />
          <Line
            type="monotone"
            dataKey="loss"
            name="train loss"
            stroke={TRAIN_COLOUR}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="valLoss"
            name="val loss"
            stroke={VAL_COLOUR}
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Train − val accuracy per epoch: a widening gap is overfitting. */
export function GapChart({ epochs, height = 200 }: { epochs: EpochPoint[]; height?: number }) {
  const data = epochs.map((e) => ({ epoch: e.epoch, gap: e.acc - e.valAcc }));
  return (
    <div className="chart" style={{ height }} data-chart="gap">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="epoch" tickLine={false} />
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
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
