/** The lab experiment form's state: dataset, seed and epochs as typed, and the queue mutation. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RouterOutputs } from '~/server/root.ts';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import { datasetValue, fieldErrorsOf, FOLDER, numberOrUndefined } from './form-values.ts';

export type ExperimentPlan = RouterOutputs['runs']['experimentPlan'];

export function useExperimentForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dataset, setDataset] = useState('cifar10');
  const [folderPath, setFolderPath] = useState('');
  const [seed, setSeed] = useState('42');
  const [epochs, setEpochs] = useState('');
  // "your image folder…" with no path yet: nothing to plan.
  const planned = dataset !== FOLDER || folderPath.trim() !== '';
  const plan = useQuery(
    trpc.runs.experimentPlan.queryOptions(
      {
        dataset: datasetValue(dataset, folderPath),
        // The server checks it: an invalid value hides the plan until it is fixed.
        epochs: numberOrUndefined(epochs),
      },
      // Not the previous dataset's plan while the new one loads: its estimates would mislead.
      { retry: false, enabled: planned },
    ),
  );
  const experiment = useMutation(
    trpc.runs.queueExperiment.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );

  function setDatasetInputs(nextDataset: string, nextFolder: string) {
    setDataset(nextDataset);
    setFolderPath(nextFolder);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    experiment.mutate({
      dataset: datasetValue(dataset, folderPath),
      seed: numberOrUndefined(seed),
      epochs: numberOrUndefined(epochs),
    });
  }

  return {
    dataset,
    folderPath,
    seed,
    epochs,
    setDatasetInputs,
    setSeed,
    setEpochs,
    experiment,
    plan: plan.isError || !planned ? null : plan.data,
    errors: fieldErrorsOf(experiment.error),
    submit,
  };
}
