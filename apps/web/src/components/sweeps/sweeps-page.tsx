'use client';
/** The sweeps page's body: the form (once the presets are loaded) over the list of sweeps. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';
import { Loading, QueryError } from '../query-state.tsx';
import { SweepForm } from './sweep-form.tsx';
import { SweepsList } from './sweeps-list.tsx';

export function SweepsPage() {
  const trpc = useTRPC();
  const presets = useQuery(trpc.presets.list.queryOptions(undefined, { staleTime: Infinity }));
  return (
    <>
      {presets.isPending ? (
        <Loading what="presets" />
      ) : presets.isError ? (
        <QueryError
          error={presets.error}
          what="the presets"
          onRetry={() => void presets.refetch()}
        />
      ) : (
        <SweepForm presets={presets.data.presets} datasets={presets.data.datasets} />
      )}
      <section className="panel" aria-labelledby="sweeps-title">
        <h2 id="sweeps-title">Sweeps</h2>
        <SweepsList />
      </section>
    </>
  );
}
