'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCompact, formatDuration, formatPercent } from '~/lib/format.ts';
import type { RouterOutputs } from '~/server/root.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { AccuracyChart, epochLabel, LossChart } from './learning-curves.tsx';
import { Empty, Loading, QueryError } from './query-state.tsx';
import { StatusBadge } from './status-badge.tsx';

type Run = RouterOutputs['runs']['compare']['runs'][number];

const RUN_COLOURS = ['#2f6fde', '#e0762b', '#1f8a4c', '#8e44ad'] as const;
const percentTick = (value: number) => `${Math.round(value * 100)}%`;
const percentTooltip = (value: unknown) =>
  typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : String(value);

function colourOf(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length] ?? '#333';
}

/** Series keys are positional (`r0`…`r3`): run names may repeat or contain dots recharts would parse. */
function seriesKey(index: number): string {
  return `r${index}`;
}

function label(run: Run): string {
  return `${run.name} (${run.id.slice(-6)})`;
}

/** One small chart per run, titled with the run's colour swatch and label. */
function PerRunPanel(props: {
  title: string;
  runs: Run[];
  children: (run: Run) => React.ReactNode;
}) {
  return (
    <section className="panel">
      <h2>{props.title}</h2>
      <div className="grid-auto">
        {props.runs.map((run, i) => (
          <div key={run.id}>
            <div className="chart-title">
              <span className="swatch" style={{ background: colourOf(i) }} />
              {label(run)}
            </div>
            {props.children(run)}
          </div>
        ))}
      </div>
    </section>
  );
}

export function CompareView({ ids }: { ids: string[] }) {
  if (ids.length < 2) return <ComparePicker />;
  return <Comparison ids={ids.slice(0, 4)} />;
}

function ComparePicker() {
  const trpc = useTRPC();
  const options = useQuery(trpc.runs.filterOptions.queryOptions());
  const groups = options.data?.groups ?? [];
  return (
    <div className="panel">
      <Empty title="Pick 2–4 runs to compare.">
        <p>
          On the <Link href="/">Runs</Link> page, tick the runs and press <em>Compare selected</em>.
        </p>
        {groups.length > 0 && <p>Or compare one of the lab&apos;s experiment groups:</p>}
      </Empty>
      {groups.length > 0 && <GroupLinks groups={groups.slice(0, 10)} />}
    </div>
  );
}

function GroupLinks({ groups }: { groups: { groupId: string; runs: number }[] }) {
  const trpc = useTRPC();
  return (
    <ul>
      {groups.map((group) => (
        <GroupLink key={group.groupId} groupId={group.groupId} count={group.runs} trpc={trpc} />
      ))}
    </ul>
  );
}

function GroupLink({
  groupId,
  count,
  trpc,
}: {
  groupId: string;
  count: number;
  trpc: ReturnType<typeof useTRPC>;
}) {
  const runs = useQuery(trpc.runs.list.queryOptions({ groupId, sort: 'oldest' }));
  const ids = (runs.data?.runs ?? []).slice(0, 4).map((run) => run.id);
  return (
    <li>
      {ids.length >= 2 ? <Link href={`/compare?ids=${ids.join(',')}`}>{groupId}</Link> : groupId}{' '}
      <span className="muted small">({count} runs)</span>
    </li>
  );
}

function Comparison({ ids }: { ids: string[] }) {
  const trpc = useTRPC();
  const compare = useQuery(
    trpc.runs.compare.queryOptions(
      { ids },
      {
        refetchInterval: (query) =>
          query.state.data?.runs.some((run) => run.status === 'running' || run.status === 'queued')
            ? 3000
            : false,
      },
    ),
  );
  if (compare.isPending) return <Loading what="the runs" />;
  if (compare.isError)
    return (
      <QueryError
        error={compare.error}
        what="the comparison"
        onRetry={() => void compare.refetch()}
      />
    );
  const { runs } = compare.data;
  const unfinished = runs.filter((run) => run.status !== 'completed');

  return (
    <>
      <div className="panel">
        <table className="data" data-testid="compare-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Preset</th>
              <th>Dataset</th>
              <th className="num">Test acc</th>
              <th className="num">Best val acc</th>
              <th className="num">Macro F1</th>
              <th className="num">Gap</th>
              <th className="num">Params</th>
              <th className="num">Time</th>
              <th>Backend</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={run.id}>
                <td>
                  <span className="swatch" style={{ background: colourOf(i) }} />
                  <Link href={`/runs/${run.id}`}>{label(run)}</Link>
                </td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{run.preset}</td>
                <td className="mono">{run.dataset}</td>
                <td className="num">{formatPercent(run.testAcc)}</td>
                <td className="num">{formatPercent(run.bestValAcc)}</td>
                <td className="num">{run.macroF1 === null ? '–' : run.macroF1.toFixed(3)}</td>
                <td className="num">{formatPercent(run.report?.overfittingGap)}</td>
                <td className="num">{formatCompact(run.paramCount)}</td>
                <td className="num">{formatDuration(run.trainSeconds)}</td>
                <td>{run.backend ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {unfinished.length > 0 && (
          <p className="muted small">
            {unfinished.length} of these runs {unfinished.length === 1 ? 'has' : 'have'} not
            completed; their panels fill in as they train.
          </p>
        )}
      </div>

      <div className="grid-2">
        <section className="panel">
          <h2>Validation accuracy</h2>
          <ValAccuracyOverlay runs={runs} />
        </section>
        <section className="panel">
          <h2>Final accuracy</h2>
          <FinalAccuracyBars runs={runs} />
        </section>
      </div>

      <PerRunPanel title="Loss curves" runs={runs}>
        {(run) =>
          run.epochs.length > 0 ? (
            <LossChart epochs={run.epochs} height={200} />
          ) : (
            <p className="muted">No epochs yet.</p>
          )
        }
      </PerRunPanel>

      <PerRunPanel title="Train vs validation accuracy" runs={runs}>
        {(run) => (
          <>
            {run.epochs.length > 0 ? (
              <AccuracyChart epochs={run.epochs} height={200} />
            ) : (
              <p className="muted">No epochs yet.</p>
            )}
            <p className="gap-note">
              Overfitting gap (max train − max val):{' '}
              <strong>{formatPercent(run.report?.overfittingGap ?? gapOf(run))}</strong>
            </p>
          </>
        )}
      </PerRunPanel>

      <div className="grid-2">
        <section className="panel">
          <h2>Per-class F1</h2>
          <PerClassF1Bars runs={runs} />
        </section>
        <section className="panel">
          <h2>Parameters</h2>
          <ConfigDiff runs={runs} />
        </section>
      </div>
    </>
  );
}

function gapOf(run: Run): number | null {
  if (run.epochs.length === 0) return null;
  return Math.max(...run.epochs.map((e) => e.acc)) - Math.max(...run.epochs.map((e) => e.valAcc));
}

function ValAccuracyOverlay({ runs }: { runs: Run[] }) {
  const maxEpoch = Math.max(
    0,
    ...runs.map((run) =>
      run.epochs.length === 0 ? 0 : Math.max(...run.epochs.map((e) => e.epoch)),
    ),
  );
  const data = Array.from({ length: maxEpoch }, (_, i) => {
    const point: Record<string, number | null> = { epoch: i + 1 };
    runs.forEach((run, r) => {
      point[seriesKey(r)] = run.epochs.find((e) => e.epoch === i + 1)?.valAcc ?? null;
    });
    return point;
  });
  if (data.length === 0) return <p className="muted">No epochs yet.</p>;
  return (
    <div className="chart" data-chart="val-accuracy-overlay">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="epoch" tickLine={false} />
          <YAxis domain={[0, 1]} tickFormatter={percentTick} width={52} />
          <Tooltip formatter={percentTooltip} labelFormatter={epochLabel} />
          <Legend />
          {runs.map((run, r) => (
            <Line
              key={run.id}
              type="monotone"
              dataKey={seriesKey(r)}
              name={label(run)}
              stroke={colourOf(r)}
              strokeWidth={2}
              dot={{ r: 3 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function FinalAccuracyBars({ runs }: { runs: Run[] }) {
  const data = runs.map((run) => ({
    run: label(run),
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

function PerClassF1Bars({ runs }: { runs: Run[] }) {
  const withReports = runs.filter((run) => run.report);
  const classNames = withReports[0]?.report?.classNames ?? [];
  if (classNames.length === 0)
    return <p className="muted">Per-class scores appear once a run has a report.</p>;
  const data = classNames.map((name) => {
    const point: Record<string, string | number | null> = { label: name };
    runs.forEach((run, r) => {
      point[seriesKey(r)] = run.report?.perClass.find((c) => c.label === name)?.f1 ?? null;
    });
    return point;
  });
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
              name={label(run)}
              fill={colourOf(r)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function ConfigDiff({ runs }: { runs: Run[] }) {
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.config ?? {})))];
  const rows = keys.map((key) => {
    const values = runs.map((run) => {
      const value = ((run.config ?? {}) as Record<string, unknown>)[key];
      return value === undefined ? '–' : JSON.stringify(value);
    });
    return { key, values, differs: new Set(values).size > 1 };
  });
  const shown = onlyDifferences ? rows.filter((row) => row.differs) : rows;
  return (
    <>
      <label className="small">
        <input
          type="checkbox"
          checked={onlyDifferences}
          onChange={(e) => setOnlyDifferences(e.target.checked)}
        />{' '}
        only parameters that differ ({rows.filter((row) => row.differs).length} of {rows.length})
      </label>
      <div className="table-wrap">
        <table className="data" data-testid="config-diff">
          <thead>
            <tr>
              <th>Parameter</th>
              {runs.map((run, i) => (
                <th key={run.id}>
                  <span className="swatch" style={{ background: colourOf(i) }} />
                  {run.id.slice(-6)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} className={row.differs ? 'differs' : undefined}>
                <td>{row.key}</td>
                {row.values.map((value, i) => (
                  <td key={runs[i]?.id ?? i} className="mono">
                    {value}
                  </td>
                ))}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={runs.length + 1} className="muted">
                  Same configuration (differences come from randomness only).
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}
