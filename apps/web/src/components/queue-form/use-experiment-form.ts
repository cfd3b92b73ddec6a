/** The lab experiment form's state: dataset, seed and epochs as typed, and the queue mutation. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import { datasetValue, fieldErrorsOf, numberOrUndefined } from './form-values.ts';

export function useExperimentForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dataset, setDataset] = useState('cifar10');
  const [folderPath, setFolderPath] = useState('');
  const [seed, setSeed] = useState('42');
  const [epochs, setEpochs] = useState('');
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
    errors: fieldErrorsOf(experiment.error),
    submit,
  };
}
