'use client';
import { isActiveRunStatus } from '@convlab/core/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import { errorMessage } from './query-state.tsx';

interface RunActionsProps {
  run: { id: string; name: string; status: string; cancelRequested: boolean };
  /** Called after the run was deleted (e.g. to leave its detail page). */
  onDeleted?: () => void;
}

/** Cancel (queued/running), retry (failed/cancelled), delete (not running; asks first). */
export function RunActions({ run, onDeleted }: RunActionsProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const settle = {
    onError: (e: unknown) => setError(errorMessage(e)),
    onSuccess: () => setError(null),
    onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
  };
  const cancel = useMutation(trpc.runs.cancel.mutationOptions(settle));
  const retry = useMutation(trpc.runs.retry.mutationOptions(settle));
  const remove = useMutation(
    trpc.runs.delete.mutationOptions({
      ...settle,
      onSuccess: () => {
        setError(null);
        onDeleted?.();
      },
    }),
  );
  const busy = cancel.isPending || retry.isPending || remove.isPending;
  const canCancel = isActiveRunStatus(run.status) && !run.cancelRequested;
  const canRetry = run.status === 'failed' || run.status === 'cancelled';
  const canDelete = run.status !== 'running';

  return (
    <div className="actions">
      {canCancel && (
        <button
          type="button"
          className="small"
          disabled={busy}
          onClick={() => cancel.mutate({ id: run.id })}
        >
          Cancel
        </button>
      )}
      {canRetry && (
        <button
          type="button"
          className="small"
          disabled={busy}
          onClick={() => retry.mutate({ id: run.id })}
        >
          Retry
        </button>
      )}
      {canDelete && (
        <button
          type="button"
          className="small danger"
          disabled={busy}
          onClick={() => {
            if (
              window.confirm(
                `Delete run "${run.name}" (${run.id}) and its files (model, report)? This cannot be undone.`,
              )
            ) {
              remove.mutate({ id: run.id });
            }
          }}
        >
          Delete
        </button>
      )}
      {error && (
        <span className="small" role="alert" style={{ color: 'var(--bad)' }}>
          {error}
        </span>
      )}
    </div>
  );
}
