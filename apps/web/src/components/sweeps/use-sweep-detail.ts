/** One sweep's detail, refetched every 3 s while it is running. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';

export function useSweepDetail(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.sweeps.detail.queryOptions(
      { id },
      { refetchInterval: (query) => (query.state.data?.sweep.state === 'running' ? 3000 : false) },
    ),
  );
}
