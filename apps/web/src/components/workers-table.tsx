'use client';
/** The trainers table: live daemons with their runs' progress, or lost ones with the runs still theirs. */
import Link from 'next/link';
import { formatAge, formatDateTime } from '~/lib/format.ts';
import type { RouterOutputs } from '~/server/root.ts';
import { RunProgress } from './status-badge.tsx';

type ListedWorker = RouterOutputs['workers']['list']['workers'][number];

export function WorkersTable(props: {
  workers: ListedWorker[];
  now: Date;
  /** Lost trainers: marked, their last heartbeat, and the runs still assigned (no live progress). */
  lost?: boolean;
  testId?: string;
}) {
  const { workers, now, lost = false } = props;
  return (
    <table className="data" data-testid={props.testId}>
      <thead>
        <tr>
          <th>Worker</th>
          <th>Host / pid</th>
          <th>Backend</th>
          <th className="num">Concurrency</th>
          <th>{lost ? 'Last heartbeat' : 'Heartbeat'}</th>
          <th>Started</th>
          <th>{lost ? 'Runs still assigned' : 'Current runs'}</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((worker) => (
          <tr key={worker.id}>
            <td className="mono">
              {worker.id}
              {lost && (
                <>
                  {' '}
                  <span className="badge failed">lost</span>
                </>
              )}
            </td>
            <td>
              {worker.host} / {worker.pid}
              <div className="muted small">v{worker.version}</div>
            </td>
            <td>
              {worker.backend}
              {worker.backendDevice && <div className="muted small">{worker.backendDevice}</div>}
            </td>
            <td className="num">{worker.concurrency}</td>
            <td>{formatAge(worker.lastSeenAt, now)}</td>
            <td className="small">{formatDateTime(worker.startedAt)}</td>
            <td>
              {worker.runs.length === 0 ? (
                <span className="muted">{lost ? 'none' : 'idle'}</span>
              ) : (
                worker.runs.map((run) =>
                  lost ? (
                    <div key={run.id}>
                      <Link href={`/runs/${run.id}`}>{run.name}</Link>
                    </div>
                  ) : (
                    <div key={run.id} style={{ marginBottom: 6 }}>
                      <Link href={`/runs/${run.id}`}>{run.name}</Link>
                      <RunProgress run={{ ...run, status: 'running' }} />
                    </div>
                  ),
                )
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
