'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatAge, formatDateTime } from '~/lib/format.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { LostWorkers } from './lost-workers.tsx';
import { Empty, Loading, QueryError } from './query-state.tsx';
import { RunProgress } from './status-badge.tsx';

export function WorkersView() {
  const trpc = useTRPC();
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 3000 }));
  if (workers.isPending) return <Loading what="trainers" />;
  if (workers.isError)
    return (
      <QueryError
        error={workers.error}
        what="the trainers"
        onRetry={() => void workers.refetch()}
      />
    );
  const { now, aliveWithinMs, lost } = workers.data;
  if (workers.data.workers.length === 0) {
    return (
      <>
        <div className="panel">
          <Empty title="No trainer is running.">
            <p>
              Start one with <code>npx convlab trainer</code> (add <code>--concurrency 2</code> for
              two runs at a time), or <code>npm start</code> for the dashboard and a trainer
              together. Queued runs wait until one is up.
            </p>
          </Empty>
        </div>
        <LostWorkers lost={lost} now={now} />
      </>
    );
  }
  return (
    <>
      <div className="panel">
        <table className="data" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Host / pid</th>
              <th>Backend</th>
              <th className="num">Concurrency</th>
              <th>Heartbeat</th>
              <th>Started</th>
              <th>Current runs</th>
            </tr>
          </thead>
          <tbody>
            {workers.data.workers.map((worker) => (
              <tr key={worker.id}>
                <td className="mono">{worker.id}</td>
                <td>
                  {worker.host} / {worker.pid}
                  <div className="muted small">v{worker.version}</div>
                </td>
                <td>{worker.backend}</td>
                <td className="num">{worker.concurrency}</td>
                <td>{formatAge(worker.lastSeenAt, now)}</td>
                <td className="small">{formatDateTime(worker.startedAt)}</td>
                <td>
                  {worker.runs.length === 0 ? (
                    <span className="muted">idle</span>
                  ) : (
                    worker.runs.map((run) => (
                      <div key={run.id} style={{ marginBottom: 6 }}>
                        <Link href={`/runs/${run.id}`}>{run.name}</Link>
                        <RunProgress run={{ ...run, status: 'running' }} />
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">
          Trainers that have not sent a heartbeat for {Math.round(aliveWithinMs / 1000)}s are listed
          as lost.
        </p>
      </div>
      <LostWorkers lost={lost} now={now} />
    </>
  );
}
