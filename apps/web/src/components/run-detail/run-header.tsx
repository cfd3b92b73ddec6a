'use client';
/** The run's name, id, status, preset and dataset, with its actions (cancel, retry, delete). */
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
        </p>
      </div>
      <RunActions run={run} onDeleted={() => router.push('/')} />
    </div>
  );
}
