'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';
import { LostWorkers } from './lost-workers.tsx';
import { Empty, Loading, QueryError } from './query-state.tsx';
import { WorkersTable } from './workers-table.tsx';

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
              Start one with <code>npx convlab trainer</code> (one run at a time on every core; add{' '}
              <code>--concurrency 2</code> for two runs at a time, each on half of them), or{' '}
              <code>npm start</code> for the dashboard and a trainer together. Queued runs wait
              until one is up.
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
        <WorkersTable workers={workers.data.workers} now={now} testId="workers-table" />
        <p className="muted small">
          Trainers that have not sent a heartbeat for {Math.round(aliveWithinMs / 1000)}s are listed
          as lost.
        </p>
      </div>
      <LostWorkers lost={lost} now={now} />
    </>
  );
}
