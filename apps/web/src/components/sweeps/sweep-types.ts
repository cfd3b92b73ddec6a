/** The shapes of `sweeps.detail`, as the sweep page's sections receive them. */
import type { RouterOutputs } from '~/server/root.ts';

export type SweepDetailData = RouterOutputs['sweeps']['detail'];
export type Sweep = SweepDetailData['sweep'];
export type Trial = Sweep['trials'][number];
export type ParamSpec = Sweep['definition']['space'][string];
export type ParamValue = Trial['params'][string];

/** A param value as the table and tooltips show it. */
export function formatParam(value: ParamValue | undefined): string {
  if (value === undefined) return '–';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** 0.000123 → "1.23e-4", 0.003162 → "0.00316", 128 → "128". */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}
