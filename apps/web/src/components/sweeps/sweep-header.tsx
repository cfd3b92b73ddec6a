'use client';
/** The sweep's name, id, method, state and counts, with Cancel (while running) and the CSV. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDateTime } from '~/lib/format.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { errorMessage } from '../query-state.tsx';
import { StatusBadge } from '../status-badge.tsx';
import { formatCounts } from './sweeps-list.tsx';
import type { Sweep } from './sweep-types.ts';

export function SweepHeader({ sweep }: { sweep: Sweep }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.sweeps.cancel.mutationOptions({
      onError: (e) => setError(errorMessage(e)),
      onSuccess: () => setError(null),
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.sweeps.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
        ]),
    }),
  );
  const { definition } = sweep;
  return (
    <div className="page-head">
      <div>
        <h1>{sweep.name}</h1>
        <p>
          <span className="mono">{sweep.id}</span> · <StatusBadge status={sweep.state} /> ·{' '}
          {sweep.method} · {definition.base.preset} on{' '}
          <span className="mono">{definition.base.dataset ?? 'its dataset'}</span> ·{' '}
          {sweep.trials.length} trial{sweep.trials.length === 1 ? '' : 's'}
        </p>
        <p className="small" data-testid="sweep-counts">
          {formatCounts(sweep.counts)}
          {sweep.rungEpochs && <> · rungs at epochs {sweep.rungEpochs.join(', ')}</>}
          {sweep.maxConcurrent !== null && <> · at most {sweep.maxConcurrent} at once</>} · created{' '}
          {formatDateTime(sweep.createdAt)}
        </p>
      </div>
      <div className="actions">
        <a className="button small" href={`/api/sweeps/${sweep.id}/trials.csv`} download>
          Download CSV
        </a>
        {sweep.state === 'running' && (
          <button
            type="button"
            className="small"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ id: sweep.id })}
          >
            Cancel sweep
          </button>
        )}
        {error && (
          <span className="small" role="alert" style={{ color: 'var(--bad)' }}>
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
