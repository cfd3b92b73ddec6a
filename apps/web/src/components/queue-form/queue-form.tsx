'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/client.tsx';
import { Loading, QueryError } from '../query-state.tsx';
import { ExperimentForm } from './experiment-form.tsx';
import { defaultPreset, valuesFor, valuesFromConfig, type Preset } from './form-values.ts';
import { QueueRunForm } from './queue-run-form.tsx';

/**
 * `fromRunId`: prefill the run form with that run's config (`/queue?from=<id>`, "Clone");
 * `dataset`: start on that dataset (`/queue?dataset=…`, from the Datasets page).
 */
export function QueueForms({ fromRunId, dataset }: { fromRunId?: string; dataset?: string }) {
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
  const cloned = run?.config && preset ? valuesFromConfig(run.config, preset) : undefined;
  const first = defaultPreset(presets.data.presets);
  const initial =
    cloned ?? (dataset !== undefined && first ? { ...valuesFor(first), dataset } : undefined);
  return (
    <>
      {fromRunId !== undefined && !cloned && (
        <div className="notice warn" role="alert">
          Could not clone run <span className="mono">{fromRunId}</span>:{' '}
          {source.isError
            ? source.error.message
            : (run?.configError ?? 'its config is not available')}
          . The form starts from the preset&apos;s defaults.
        </div>
      )}
      <QueueRunForm
        key={cloned ? `from-${fromRunId}` : `preset-${dataset ?? ''}`}
        presets={presets.data.presets}
        datasets={presets.data.datasets}
        initial={initial}
        clonedFrom={cloned && run ? { id: run.id, name: run.name } : undefined}
      />
      <ExperimentForm datasets={presets.data.datasets} />
    </>
  );
}
