/** One run's detail, refetched every 2 s while it is queued or running. */
import { isActiveRunStatus } from '@convlab/core/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';

export function useRunDetail(id: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.runs.detail.queryOptions(
      { id },
      {
        refetchInterval: (query) => {
          const status = query.state.data?.run.status;
          return status && isActiveRunStatus(status) ? 2000 : false;
        },
      },
    ),
  );
}
