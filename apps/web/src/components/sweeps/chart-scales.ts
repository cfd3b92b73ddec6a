/** The sweep charts' scales: one per swept param (linear, log or categorical) and val accuracy's. */
import { formatParamNumber, formatParamValue } from '@convlab/core/sweep';
import type { ParamSpec, ParamValue, Trial } from './sweep-types.ts';

export interface Axis {
  /** The param (or `valAcc`). */
  key: string;
  label: string;
  /** A value's position on the axis, 0 (bottom) to 1 (top); null when it has none. */
  position: (value: ParamValue | undefined) => number | null;
  ticks: { position: number; label: string }[];
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** Evenly spaced ticks from `lo` to `hi` (inclusive), `count` of them. */
function spaced(count: number, at: (fraction: number) => number): number[] {
  return Array.from({ length: count }, (_, i) => at(count === 1 ? 0.5 : i / (count - 1)));
}

function numericAxis(key: string, min: number, max: number, log: boolean): Axis {
  const lo = log ? Math.log10(min) : min;
  const hi = log ? Math.log10(max) : max;
  const span = hi - lo || 1;
  const position = (value: ParamValue | undefined) => {
    if (typeof value !== 'number' || (log && value <= 0)) return null;
    return clamp01(((log ? Math.log10(value) : value) - lo) / span);
  };
  const ticks = spaced(5, (f) => (log ? 10 ** (lo + f * span) : lo + f * span)).map((value) => ({
    position: position(value) ?? 0,
    label: formatParamNumber(value),
  }));
  return { key, label: log ? `${key} (log)` : key, position, ticks };
}

/** A list of values: evenly spaced, in the order listed (plus any a trial has that is not listed). */
function categoricalAxis(key: string, listed: readonly ParamValue[], trials: Trial[]): Axis {
  const labels = listed.map((value) => formatParamValue(value));
  for (const trial of trials) {
    const label = formatParamValue(trial.params[key]);
    if (trial.params[key] !== undefined && !labels.includes(label)) labels.push(label);
  }
  const at = (index: number) => (labels.length === 1 ? 0.5 : index / (labels.length - 1));
  return {
    key,
    label: key,
    position: (value) => {
      const index = value === undefined ? -1 : labels.indexOf(formatParamValue(value));
      return index < 0 ? null : at(index);
    },
    ticks: labels.map((label, index) => ({ position: at(index), label })),
  };
}

export function paramAxis(key: string, spec: ParamSpec, trials: Trial[]): Axis {
  switch (spec.kind) {
    case 'choice':
      return categoricalAxis(key, spec.values, trials);
    case 'uniform':
      return numericAxis(key, spec.min, spec.max, false);
    case 'log-uniform':
      return numericAxis(key, spec.min, spec.max, true);
  }
}

/** The range val accuracies are drawn over: the trials' own, widened to whole 5 % steps. */
export function accuracyDomain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.floor(Math.min(...values) * 20) / 20;
  let hi = Math.ceil(Math.max(...values) * 20) / 20;
  if (hi - lo < 0.05) {
    lo = Math.max(0, lo - 0.05);
    hi = Math.min(1, hi + 0.05);
  }
  return [lo, hi];
}

export function accuracyAxis(domain: [number, number]): Axis {
  const [lo, hi] = domain;
  const span = hi - lo || 1;
  const position = (value: ParamValue | undefined) =>
    typeof value === 'number' ? clamp01((value - lo) / span) : null;
  return {
    key: 'valAcc',
    label: 'val acc',
    position,
    ticks: spaced(5, (f) => lo + f * span).map((value) => ({
      position: position(value) ?? 0,
      label: `${(value * 100).toFixed(value * 100 < 10 ? 1 : 0)}%`,
    })),
  };
}

/** A val accuracy's colour: red (worst of the sweep) through amber to blue (best). */
export function accuracyColour(value: number, domain: [number, number]): string {
  const [lo, hi] = domain;
  const f = hi > lo ? clamp01((value - lo) / (hi - lo)) : 1;
  return `hsl(${Math.round(4 + f * 206)}, 70%, ${Math.round(48 - f * 6)}%)`;
}
