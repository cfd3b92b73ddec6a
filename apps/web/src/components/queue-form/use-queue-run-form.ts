/** The run form's state: its values, the queue mutation, and the errors the server sent back. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import {
  defaultPreset,
  fieldErrorsOf,
  PLACED_FIELDS,
  queueInputOf,
  valuesFor,
  type FormValues,
  type Preset,
} from './form-values.ts';

/** `initial`: the form's starting values (a cloned run's), else the lab CNN preset's defaults. */
export function useQueueRunForm(presets: Preset[], initial?: FormValues) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const first = defaultPreset(presets);
  const [values, setValues] = useState<FormValues | null>(
    initial ?? (first ? valuesFor(first) : null),
  );
  const queue = useMutation(
    trpc.runs.queue.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );
  const preset = values ? presets.find((p) => p.name === values.preset) : undefined;
  const errors = fieldErrorsOf(queue.error);
  const unplacedErrors = Object.entries(errors).filter(([field]) => !PLACED_FIELDS.includes(field));

  function update(patch: Partial<FormValues>) {
    setValues((current) => (current ? { ...current, ...patch } : current));
  }

  /** Another preset: its defaults, keeping the dataset, seed, priority and name already typed. */
  function selectPreset(name: string) {
    const next = presets.find((p) => p.name === name);
    if (next && values) setValues(valuesFor(next, values));
  }

  function resetToPreset() {
    if (preset) setValues(valuesFor(preset));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!values) return;
    queue.mutate(queueInputOf(values));
  }

  return {
    values,
    preset,
    hasPresets: first !== undefined,
    queue,
    errors,
    unplacedErrors,
    update,
    selectPreset,
    resetToPreset,
    submit,
  };
}
