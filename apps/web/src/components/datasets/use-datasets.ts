'use client';
/** The datasets list, polled quickly while a check or a fetch runs and slowly otherwise. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';

export function useDatasets() {
  const trpc = useTRPC();
  return useQuery(
    trpc.datasets.list.queryOptions(undefined, {
      refetchInterval: (query) => {
        const data = query.state.data;
        const busy =
          data?.builtin.some((d) => d.state === 'verifying') ||
          data?.fetches.some((f) => f.state === 'running');
        return busy ? 1000 : 15_000;
      },
    }),
  );
}
