'use client';
/** What every per-epoch line chart shares: its frame (size, grid, epoch axis) and its formatters. */
import type { ReactNode } from 'react';
import { CartesianGrid, LineChart, ResponsiveContainer, XAxis } from 'recharts';

/** Tooltip title: recharts passes the x value (the epoch number). */
export const epochLabel = (value: unknown) => `epoch ${typeof value === 'number' ? value : '?'}`;
export const percentTick = (value: number) => `${Math.round(value * 100)}%`;
export const percentTooltip = (value: unknown) =>
  typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : String(value);

/** The frame of every per-epoch chart: its size (the stylesheet's unless given), grid, epoch axis. */
export function EpochChartFrame(props: {
  name: string;
  height?: number;
  data: object[];
  children: ReactNode;
}) {
  return (
    <div className="chart" style={{ height: props.height }} data-chart={props.name}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={props.data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="epoch" tickLine={false} />
          {props.children}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
