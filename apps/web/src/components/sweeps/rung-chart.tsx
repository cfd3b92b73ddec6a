'use client';
/**
 * ASHA's rungs (hand-written SVG): each trial's val accuracy per epoch as a polyline, pruned trials
 * grey, a dashed line at each rung's epoch.
 */
import { formatPercent } from '~/lib/format.ts';
import { accuracyColour, accuracyDomain } from './chart-scales.ts';
import type { Sweep } from './sweep-types.ts';

const MARGIN = { top: 20, right: 24, bottom: 36, left: 52 };
const PLOT_WIDTH = 560;
const PLOT_HEIGHT = 240;
const PRUNED = '#a3acb9';

export function RungChart({ sweep, rungEpochs }: { sweep: Sweep; rungEpochs: number[] }) {
  const trained = sweep.trials.filter((trial) => trial.valAccByEpoch.length > 0);
  const lastEpoch = Math.max(
    1,
    rungEpochs[rungEpochs.length - 1] ?? 1,
    ...trained.map((t) => t.valAccByEpoch.length),
  );
  const domain = accuracyDomain(trained.flatMap((trial) => trial.valAccByEpoch));
  const [lo, hi] = domain;
  const x = (epoch: number) =>
    MARGIN.left + (lastEpoch === 1 ? 0.5 : (epoch - 1) / (lastEpoch - 1)) * PLOT_WIDTH;
  const y = (acc: number) => MARGIN.top + (1 - (acc - lo) / (hi - lo || 1)) * PLOT_HEIGHT;
  const width = MARGIN.left + PLOT_WIDTH + MARGIN.right;
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  // The domain's ends are whole 5 % steps: a tick every 5 % (10 % when that is too many).
  const step = hi - lo > 0.4 ? 0.1 : 0.05;
  const yTicks = Array.from(
    { length: Math.floor((hi - lo) / step + 1e-9) + 1 },
    (_, i) => lo + i * step,
  );
  const epochTicks = Array.from({ length: lastEpoch }, (_, i) => i + 1).filter(
    (epoch) => lastEpoch <= 12 || epoch === 1 || epoch % Math.ceil(lastEpoch / 10) === 0,
  );
  // Pruned first, so the trials still in the race are drawn on top.
  const lines = [...trained].sort(
    (a, b) => Number(b.status === 'pruned') - Number(a.status === 'pruned'),
  );

  return (
    <div className="sweep-chart">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label="Val accuracy per epoch of each trial; dashed lines mark the rungs"
        data-testid="rung-chart"
      >
        <line
          x1={MARGIN.left}
          x2={MARGIN.left}
          y1={MARGIN.top}
          y2={MARGIN.top + PLOT_HEIGHT}
          stroke="#8a94a3"
        />
        <line
          x1={MARGIN.left}
          x2={MARGIN.left + PLOT_WIDTH}
          y1={MARGIN.top + PLOT_HEIGHT}
          y2={MARGIN.top + PLOT_HEIGHT}
          stroke="#8a94a3"
        />
        {yTicks.map((acc) => (
          <text key={acc} x={MARGIN.left - 6} y={y(acc) + 4} textAnchor="end" className="pc-tick">
            {formatPercent(acc, 0)}
          </text>
        ))}
        {epochTicks.map((epoch) => (
          <text
            key={epoch}
            x={x(epoch)}
            y={MARGIN.top + PLOT_HEIGHT + 16}
            textAnchor="middle"
            className="pc-tick"
          >
            {epoch}
          </text>
        ))}
        <text
          x={MARGIN.left + PLOT_WIDTH / 2}
          y={height - 4}
          textAnchor="middle"
          className="pc-axis-label"
        >
          epoch
        </text>
        {rungEpochs.map((epoch, rung) => (
          <g key={epoch} data-testid="rung-line" data-rung={rung}>
            <line
              x1={x(epoch)}
              x2={x(epoch)}
              y1={MARGIN.top}
              y2={MARGIN.top + PLOT_HEIGHT}
              stroke="#5f6b7a"
              strokeDasharray="4 4"
            />
            <text
              x={rung === rungEpochs.length - 1 ? x(epoch) - 4 : x(epoch) + 4}
              y={MARGIN.top + 10}
              textAnchor={rung === rungEpochs.length - 1 ? 'end' : 'start'}
              className="pc-tick"
            >
              rung {rung} · {epoch} ep
            </text>
          </g>
        ))}
        {lines.map((trial) => {
          const pruned = trial.status === 'pruned';
          const colour = pruned ? PRUNED : accuracyColour(trial.bestValAcc ?? lo, domain);
          const points = trial.valAccByEpoch.map((acc, i) => `${x(i + 1)},${y(acc)}`);
          const title = `${trial.name} (${trial.status}, rung ${trial.rung ?? 0}): best ${formatPercent(trial.bestValAcc)} after ${trial.valAccByEpoch.length} epochs`;
          return (
            <g key={trial.id} data-testid="rung-trial" data-status={trial.status}>
              <polyline
                points={points.join(' ')}
                fill="none"
                stroke={colour}
                strokeWidth={pruned ? 1.5 : 2}
              >
                <title>{title}</title>
              </polyline>
              {trial.valAccByEpoch.length === 1 && (
                <circle cx={x(1)} cy={y(trial.valAccByEpoch[0] ?? lo)} r={3} fill={colour}>
                  <title>{title}</title>
                </circle>
              )}
            </g>
          );
        })}
      </svg>
      {trained.length === 0 && <p className="muted small">No trial has finished an epoch yet.</p>}
    </div>
  );
}
