'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';
import { Loading, QueryError } from './query-state.tsx';
import { ExperimentForm } from './queue-form/experiment-form.tsx';
import { valuesFromConfig, type Preset } from './queue-form/form-values.ts';
import { QueueRunForm } from './queue-form/queue-run-form.tsx';

/** `fromRunId`: prefill the run form with that run's config (`/queue?from=<id>`, "Clone"). */
export function QueueForms({ fromRunId }: { fromRunId?: string }) {
  const trpc = useTRPC();
  const presets = useQuery(trpc.presets.list.queryOptions(undefined, { staleTime: Infinity }));
  const source = useQuery(
    trpc.runs.detail.queryOptions(
      { id: fromRunId ?? '' },
      { enabled: fromRunId !== undefined, staleTime: Infinity },
    ),
  );
  if (presets.isPending || (fromRunId !== undefined && source.isPending))
    return <Loading what={presets.isPending ? 'presets' : 'the run to clone'} />;
  if (presets.isError)
    return (
      <QueryError error={presets.error} what="the presets" onRetry={() => void presets.refetch()} />
    );
  const run = source.data?.run;
  const preset: Preset | undefined = run?.config
    ? presets.data.presets.find((p) => p.name === run.config?.preset)
    : undefined;
  const initial = run?.config && preset ? valuesFromConfig(run.config, preset) : undefined;
  return (
    <>
      {fromRunId !== undefined && !initial && (
        <div className="notice warn" role="alert">
          Could not clone run <span className="mono">{fromRunId}</span>:{' '}
          {source.isError
            ? source.error.message
            : (run?.configError ?? 'its config is not available')}
          . The form starts from the preset&apos;s defaults.
        </div>
      )}
      <QueueRunForm
        key={initial ? `from-${fromRunId}` : 'preset'}
        presets={presets.data.presets}
        datasets={presets.data.datasets}
        initial={initial}
        clonedFrom={initial && run ? { id: run.id, name: run.name } : undefined}
      />
      <ExperimentForm datasets={presets.data.datasets} />
    </>
  );
}
