'use client';
import Link from 'next/link';
import { formatAge, formatDateTime } from '~/lib/format.ts';

interface LostWorker {
  id: string;
  host: string;
  pid: number;
  backend: string;
  concurrency: number;
  lastSeenAt: Date;
  startedAt: Date;
  runs: { id: string; name: string }[];
}

/**
 * Trainers that stopped heartbeating without stopping (a host that died or lost the database). Their
 * runs go back to the queue once their leases expire, for any trainer to resume from the checkpoint.
 */
export function LostWorkers({ lost, now }: { lost: LostWorker[]; now: Date }) {
  if (lost.length === 0) return null;
  return (
    <div className="panel" data-testid="lost-workers">
      <h2>Lost trainers</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Worker</th>
            <th>Host / pid</th>
            <th>Backend</th>
            <th className="num">Concurrency</th>
            <th>Last heartbeat</th>
            <th>Started</th>
            <th>Runs still assigned</th>
          </tr>
        </thead>
        <tbody>
          {lost.map((worker) => (
            <tr key={worker.id}>
              <td className="mono">
                {worker.id} <span className="badge failed">lost</span>
              </td>
              <td>
                {worker.host} / {worker.pid}
              </td>
              <td>{worker.backend}</td>
              <td className="num">{worker.concurrency}</td>
              <td>{formatAge(worker.lastSeenAt, now)}</td>
              <td className="small">{formatDateTime(worker.startedAt)}</td>
              <td>
                {worker.runs.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  worker.runs.map((run) => (
                    <div key={run.id}>
                      <Link href={`/runs/${run.id}`}>{run.name}</Link>
                    </div>
                  ))
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Their runs go back to the queue when their leases expire; another trainer then resumes each
        from its last checkpoint.
      </p>
    </div>
  );
}
