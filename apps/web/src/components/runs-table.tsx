'use client';
import { RUN_STATUSES } from '@convlab/core/schema';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { formatCompact, formatDuration, formatPercent, secondsBetween } from '~/lib/format.ts';
import type { RouterInputs, RouterOutputs } from '~/server/root.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { Empty, Loading, QueryError } from './query-state.tsx';
import { RunActions } from './run-actions.tsx';
import { RunProgress, StatusBadge } from './status-badge.tsx';

type Run = RouterOutputs['runs']['list']['runs'][number];
type Filters = Exclude<RouterInputs['runs']['list'], void | undefined>;

/** Wall time: training seconds when known, else elapsed since start (to now while running). */
function wallSeconds(run: Run, now: Date): number | null {
  return (
    run.trainSeconds ??
    secondsBetween(run.startedAt, run.finishedAt ?? (run.status === 'running' ? now : null))
  );
}

interface Column {
  key: string;
  label: string;
  numeric?: boolean;
  value: (run: Run, now: Date) => number | string | null;
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Run', value: (run) => run.name },
  { key: 'status', label: 'Status', value: (run) => run.status },
  { key: 'preset', label: 'Preset', value: (run) => run.preset },
  { key: 'dataset', label: 'Dataset', value: (run) => run.dataset },
  { key: 'bestValAcc', label: 'Best val acc', numeric: true, value: (run) => run.bestValAcc },
  { key: 'testAcc', label: 'Test acc', numeric: true, value: (run) => run.testAcc },
  { key: 'macroF1', label: 'Macro F1', numeric: true, value: (run) => run.macroF1 },
  { key: 'paramCount', label: 'Params', numeric: true, value: (run) => run.paramCount },
  { key: 'epochs', label: 'Epochs', numeric: true, value: (run) => run.currentEpoch },
  { key: 'wall', label: 'Wall time', numeric: true, value: (run, now) => wallSeconds(run, now) },
  { key: 'backend', label: 'Backend', value: (run) => run.backend },
  { key: 'createdAt', label: 'Queued', numeric: true, value: (run) => run.createdAt.getTime() },
];

interface Sort {
  key: string;
  descending: boolean;
}

function compareValues(a: number | string | null, b: number | string | null): number {
  // Missing values always sort last, whatever the direction (handled by the caller).
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function sortRuns(runs: Run[], sort: Sort, now: Date): Run[] {
  const column = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[COLUMNS.length - 1];
  if (!column) return runs;
  return [...runs].sort((x, y) => {
    const a = column.value(x, now);
    const b = column.value(y, now);
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    const order = compareValues(a, b);
    return sort.descending ? -order : order;
  });
}

export function RunsTable({ initialFilters }: { initialFilters: Filters }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [sort, setSort] = useState<Sort>({ key: 'createdAt', descending: true });
  const [selected, setSelected] = useState<string[]>([]);

  const runs = useQuery(
    trpc.runs.list.queryOptions(filters, {
      placeholderData: keepPreviousData,
      // Live while anything is moving; slower when the board is idle.
      refetchInterval: (query) =>
        query.state.data?.runs.some((run) => run.status === 'running' || run.status === 'queued')
          ? 1500
          : 8000,
    }),
  );
  const options = useQuery(
    trpc.runs.filterOptions.queryOptions(undefined, { refetchInterval: 15_000 }),
  );
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 5000 }));

  const now = runs.data?.now ?? new Date();
  const sorted = useMemo(() => sortRuns(runs.data?.runs ?? [], sort, now), [runs.data, sort, now]);
  const queuedCount = runs.data?.runs.filter((run) => run.status === 'queued').length ?? 0;
  const noTrainer = workers.data !== undefined && workers.data.workers.length === 0;

  function setFilter<K extends keyof Filters>(key: K, value: Filters[K] | '') {
    setFilters((current) => {
      const next = { ...current };
      if (value === '' || value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  }

  function toggleSort(key: string) {
    setSort((current) => ({ key, descending: current.key === key ? !current.descending : true }));
  }

  function toggleSelected(id: string) {
    setSelected((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-4),
    );
  }

  return (
    <>
      {noTrainer && queuedCount > 0 && (
        <div className="notice warn" role="status">
          <strong>
            {queuedCount} run{queuedCount === 1 ? ' is' : 's are'} waiting, but no trainer is
            running.
          </strong>
          <p>
            Start one with <code>npx convlab trainer</code> (or <code>npm start</code>, which runs
            the dashboard and a trainer together).
          </p>
        </div>
      )}
      <div className="panel">
        <div className="filters">
          <FilterSelect
            id="filter-status"
            label="Status"
            value={filters.status}
            options={RUN_STATUSES.map((status) => ({ value: status }))}
            onChange={(value) => setFilter('status', value as Filters['status'])}
          />
          <FilterSelect
            id="filter-preset"
            label="Preset"
            value={filters.preset}
            options={(options.data?.presets ?? []).map((preset) => ({ value: preset }))}
            onChange={(value) => setFilter('preset', value as Filters['preset'])}
          />
          <FilterSelect
            id="filter-dataset"
            label="Dataset"
            value={filters.dataset}
            options={(options.data?.datasets ?? []).map((dataset) => ({ value: dataset }))}
            onChange={(value) => setFilter('dataset', value)}
          />
          <FilterSelect
            id="filter-group"
            label="Comparison group"
            value={filters.groupId}
            options={[
              // A group named in the URL but not (yet) listed stays selectable.
              ...(filters.groupId &&
              !options.data?.groups.some((g) => g.groupId === filters.groupId)
                ? [{ value: filters.groupId }]
                : []),
              ...(options.data?.groups ?? []).map((group) => ({
                value: group.groupId,
                label: `${group.groupId} (${group.runs} runs)`,
              })),
            ]}
            onChange={(value) => setFilter('groupId', value)}
          />
          <div className="actions" style={{ marginLeft: 'auto' }}>
            <span className="muted small">{selected.length} selected</span>
            <button
              type="button"
              className="primary"
              disabled={selected.length < 2}
              title="Tick 2 to 4 runs to compare them"
              onClick={() => router.push(`/compare?ids=${selected.join(',')}`)}
            >
              Compare selected
            </button>
          </div>
        </div>

        {runs.isPending ? (
          <Loading what="runs" />
        ) : runs.isError ? (
          <QueryError error={runs.error} what="the runs" onRetry={() => void runs.refetch()} />
        ) : sorted.length === 0 ? (
          Object.keys(filters).length > 0 ? (
            <Empty title="No runs match these filters.">
              <p>
                <button type="button" onClick={() => setFilters({})}>
                  Clear the filters
                </button>
              </p>
            </Empty>
          ) : (
            <Empty title="No runs yet.">
              <p>
                <Link href="/queue">Queue a run</Link> (try <code>tiny-cnn</code> on{' '}
                <code>synthetic</code>: it trains in seconds), or from a terminal:{' '}
                <code>npx convlab queue --preset tiny-cnn --dataset synthetic</code>
              </p>
            </Empty>
          )
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="runs-table">
              <thead>
                <tr>
                  <th aria-label="Select for comparison" />
                  {COLUMNS.map((column) => (
                    <th
                      key={column.key}
                      className={column.numeric ? 'num' : undefined}
                      aria-sort={
                        sort.key === column.key
                          ? sort.descending
                            ? 'descending'
                            : 'ascending'
                          : undefined
                      }
                    >
                      <button type="button" className="sort" onClick={() => toggleSort(column.key)}>
                        {column.label}
                        {sort.key === column.key ? (sort.descending ? ' ▾' : ' ▴') : ''}
                      </button>
                    </th>
                  ))}
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((run) => (
                  <tr key={run.id} data-run-id={run.id} data-status={run.status}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${run.name} for comparison`}
                        checked={selected.includes(run.id)}
                        onChange={() => toggleSelected(run.id)}
                      />
                    </td>
                    <td>
                      <Link href={`/runs/${run.id}`}>{run.name}</Link>
                      <div className="muted small mono">{run.id}</div>
                    </td>
                    <td>
                      <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />
                      <RunProgress run={run} />
                      {run.status === 'failed' && run.error && (
                        <div
                          className="small"
                          style={{ color: 'var(--bad)', maxWidth: 220 }}
                          title={run.error}
                        >
                          {run.error.length > 80 ? `${run.error.slice(0, 80)}…` : run.error}
                        </div>
                      )}
                    </td>
                    <td>{run.preset}</td>
                    <td className="mono">{run.dataset}</td>
                    <td className="num">{formatPercent(run.bestValAcc)}</td>
                    <td className="num">{formatPercent(run.testAcc)}</td>
                    <td className="num">{run.macroF1 === null ? '–' : run.macroF1.toFixed(3)}</td>
                    <td className="num">{formatCompact(run.paramCount)}</td>
                    <td className="num">
                      {run.currentEpoch ?? 0}/{run.totalEpochs ?? '?'}
                    </td>
                    <td className="num">{formatDuration(wallSeconds(run, now))}</td>
                    <td>{run.backend ?? '–'}</td>
                    <td className="num small">
                      {run.createdAt.toISOString().slice(5, 16).replace('T', ' ')}
                    </td>
                    <td>
                      <RunActions run={run} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}

/** One filter of the leaderboard: "any" or one of the values seen in the runs. */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: { value: string; label?: string }[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">any</option>
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label ?? option.value}
          </option>
        ))}
      </select>
    </div>
  );
}
