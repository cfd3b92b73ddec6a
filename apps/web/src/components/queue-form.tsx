'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';
import { Loading, QueryError } from './query-state.tsx';
import { ExperimentForm } from './queue-form/experiment-form.tsx';
import { QueueRunForm } from './queue-form/queue-run-form.tsx';

export function QueueForms() {
  const trpc = useTRPC();
  const presets = useQuery(trpc.presets.list.queryOptions(undefined, { staleTime: Infinity }));
  if (presets.isPending) return <Loading what="presets" />;
  if (presets.isError)
    return (
      <QueryError error={presets.error} what="the presets" onRetry={() => void presets.refetch()} />
    );
  return (
    <>
      <QueueRunForm presets={presets.data.presets} datasets={presets.data.datasets} />
      <ExperimentForm datasets={presets.data.datasets} />
    </>
  );
}
