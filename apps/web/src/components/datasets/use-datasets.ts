'use client';
/** The datasets list, polled quickly while a check or a fetch runs and slowly otherwise. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
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

/** Starts a dataset's fetch in the server; the list (polled) then shows its progress. */
export function useFetchDataset() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.datasets.fetch.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );
}

/** Imports a built-in dataset from a folder on the server; answered when verified and placed. */
export function useImportDataset() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.datasets.importBuiltin.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() }),
    }),
  );
}
