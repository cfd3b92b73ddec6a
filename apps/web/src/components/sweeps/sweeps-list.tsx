'use client';
/** Every sweep, newest first: its method, state, trials by status and best val accuracy. */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatPercent } from '~/lib/format.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { Empty, Loading, QueryError } from '../query-state.tsx';
import { StatusBadge } from '../status-badge.tsx';

/** `{completed: 3, queued: 1}` → "3 completed · 1 queued". */
export function formatCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  return parts.length > 0 ? parts.join(' · ') : '–';
}

export function SweepsList() {
  const trpc = useTRPC();
  const sweeps = useQuery(
    trpc.sweeps.list.queryOptions(undefined, {
      refetchInterval: (query) =>
        query.state.data?.sweeps.some((sweep) => sweep.state === 'running') ? 3000 : 10_000,
    }),
  );
  if (sweeps.isPending) return <Loading what="sweeps" />;
  if (sweeps.isError)
    return (
      <QueryError error={sweeps.error} what="the sweeps" onRetry={() => void sweeps.refetch()} />
    );
  if (sweeps.data.sweeps.length === 0)
    return (
      <Empty title="No sweeps yet.">
        <p>
          Create one above, or from a terminal:{' '}
          <code>
            npx convlab sweep create --preset tiny-cnn --dataset synthetic --method grid --param
            lr=1e-3,1e-2
          </code>
        </p>
      </Empty>
    );
  return (
    <div className="table-wrap">
      <table className="data" data-testid="sweeps-table">
        <thead>
          <tr>
            <th>Sweep</th>
            <th>Method</th>
            <th>State</th>
            <th className="num">Trials</th>
            <th>By status</th>
            <th className="num">Best val acc</th>
            <th className="num">Created</th>
          </tr>
        </thead>
        <tbody>
          {sweeps.data.sweeps.map((sweep) => (
            <tr key={sweep.id} data-sweep-id={sweep.id} data-state={sweep.state}>
              <td>
                <Link href={`/sweeps/${sweep.id}`}>{sweep.name}</Link>
                <div className="muted small mono">{sweep.id}</div>
              </td>
              <td>{sweep.method}</td>
              <td>
                <StatusBadge status={sweep.state} />
              </td>
              <td className="num">{sweep.trials}</td>
              <td className="small">{formatCounts(sweep.counts)}</td>
              <td className="num">{formatPercent(sweep.bestValAcc)}</td>
              <td className="num small">
                {sweep.createdAt.toISOString().slice(5, 16).replace('T', ' ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
