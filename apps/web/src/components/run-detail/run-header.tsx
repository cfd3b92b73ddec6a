'use client';
/** The run's name, id, status, preset, dataset and sweep, with Clone and its actions (cancel, retry, delete). */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { RunActions } from '../run-actions.tsx';
import { StatusBadge } from '../status-badge.tsx';
import type { DetailRun } from './detail-types.ts';

export function RunHeader({ run }: { run: DetailRun }) {
  const router = useRouter();
  return (
    <div className="page-head">
      <div>
        <h1>{run.name}</h1>
        <p>
          <span className="mono">{run.id}</span> ·{' '}
          <StatusBadge status={run.status} cancelRequested={run.cancelRequested} /> · {run.preset} v
          {run.presetVersion} on <span className="mono">{run.dataset}</span>
          {run.groupId && (
            <>
              {' '}
              · group <Link href={`/?group=${run.groupId}`}>{run.groupId}</Link>
            </>
          )}
          {run.sweepId && (
            <>
              {' '}
              · sweep <Link href={`/sweeps/${run.sweepId}`}>{run.sweepId}</Link>
              {run.rung !== null && ` (rung ${run.rung})`}
            </>
          )}
        </p>
      </div>
      <div className="actions">
        {run.config && (
          <Link href={`/queue?from=${run.id}`} className="button small">
            Clone
          </Link>
        )}
        <RunActions run={run} onDeleted={() => router.push('/')} />
      </div>
    </div>
  );
}
