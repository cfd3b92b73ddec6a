/** The compared runs, refetched every 3 s while any of them is still queued or running. */
import { isActiveRunStatus } from '@convlab/core/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';

export function useComparison(ids: string[]) {
  const trpc = useTRPC();
  return useQuery(
    trpc.runs.compare.queryOptions(
      { ids },
      {
        refetchInterval: (query) =>
          query.state.data?.runs.some((run) => isActiveRunStatus(run.status)) ? 3000 : false,
      },
    ),
  );
}
