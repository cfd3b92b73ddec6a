'use client';
/**
 * The sweep's trials as a parallel-coordinates plot (hand-written SVG): one vertical axis per swept
 * param, then val accuracy; one line per trial that has a val accuracy, coloured by it.
 */
import { formatPercent } from '~/lib/format.ts';
import {
  accuracyAxis,
  accuracyColour,
  accuracyDomain,
  paramAxis,
  type Axis,
} from './chart-scales.ts';
import { formatParamValue } from '@convlab/core/sweep';
import type { Sweep } from './sweep-types.ts';

const AXIS_GAP = 160;
const MARGIN = { top: 36, right: 70, bottom: 24, left: 70 };
const PLOT_HEIGHT = 240;

/** An axis, its label on top and its ticks on the left (`right`: on the right, for the last). */
function AxisView({ axis, x, right = false }: { axis: Axis; x: number; right?: boolean }) {
  const y = (position: number) => MARGIN.top + (1 - position) * PLOT_HEIGHT;
  return (
    <g className="pc-axis" data-axis={axis.key}>
      <line x1={x} x2={x} y1={MARGIN.top} y2={MARGIN.top + PLOT_HEIGHT} stroke="#8a94a3" />
      <text x={x} y={MARGIN.top - 14} textAnchor="middle" className="pc-axis-label">
        {axis.label}
      </text>
      {axis.ticks.map((tick) => (
        <g key={`${tick.label}-${tick.position}`}>
          <line
            x1={right ? x : x - 4}
            x2={right ? x + 4 : x}
            y1={y(tick.position)}
            y2={y(tick.position)}
            stroke="#8a94a3"
          />
          <text
            x={right ? x + 7 : x - 7}
            y={y(tick.position) + 4}
            textAnchor={right ? 'start' : 'end'}
            className="pc-tick"
          >
            {tick.label}
          </text>
        </g>
      ))}
    </g>
  );
}

export function ParallelCoordinates({ sweep }: { sweep: Sweep }) {
  const params = Object.entries(sweep.definition.space);
  const scored = sweep.trials.filter(
    (trial): trial is typeof trial & { bestValAcc: number } => trial.bestValAcc !== null,
  );
  const domain = accuracyDomain(scored.map((trial) => trial.bestValAcc));
  const axes = [
    ...params.map(([key, spec]) => paramAxis(key, spec, sweep.trials)),
    accuracyAxis(domain),
  ];
  const width = MARGIN.left + Math.max(1, axes.length - 1) * AXIS_GAP + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const xOf = (index: number) => MARGIN.left + index * AXIS_GAP;
  const yOf = (position: number) => MARGIN.top + (1 - position) * PLOT_HEIGHT;
  // Worst first, so the best lines are drawn on top.
  const lines = [...scored].sort((a, b) => a.bestValAcc - b.bestValAcc);

  return (
    <div className="sweep-chart">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label="Parallel coordinates: each line is a trial, from its params to its val accuracy"
        data-testid="parallel-coordinates"
      >
        {lines.map((trial) => {
          const values = [...params.map(([key]) => trial.params[key]), trial.bestValAcc];
          const points = axes.flatMap((axis, i) => {
            const position = axis.position(values[i]);
            return position === null ? [] : [`${xOf(i)},${yOf(position)}`];
          });
          const summary = params.map(([key]) => `${key}=${formatParamValue(trial.params[key])}`);
          return (
            <path
              key={trial.id}
              data-testid="pc-line"
              data-trial-id={trial.id}
              className="pc-line"
              d={`M${points.join('L')}`}
              fill="none"
              stroke={accuracyColour(trial.bestValAcc, domain)}
              strokeWidth={2}
            >
              <title>{`${trial.name}: ${summary.join(', ')} → val acc ${formatPercent(trial.bestValAcc)} (${trial.status})`}</title>
            </path>
          );
        })}
        {axes.map((axis, i) => (
          <AxisView key={axis.key} axis={axis} x={xOf(i)} right={i === axes.length - 1} />
        ))}
      </svg>
      {scored.length === 0 && (
        <p className="muted small">
          No trial has a val accuracy yet: lines appear as trials train.
        </p>
      )}
    </div>
  );
}
