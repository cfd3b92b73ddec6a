/** The sweep form's state: its values, the create mutation, and the errors placed by input. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import { fieldErrorsOf, type Preset } from '../queue-form/form-values.ts';
import {
  createSweepInputOf,
  initialSweepValues,
  placeErrors,
  type SweepFormValues,
} from './sweep-form-values.ts';

export function useSweepForm(presets: Preset[]) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const first = presets.find((preset) => preset.name === 'tiny-cnn') ?? presets[0];
  const [values, setValues] = useState<SweepFormValues>(() => initialSweepValues(first));
  const create = useMutation(
    trpc.sweeps.create.mutationOptions({
      onSuccess: async (created) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.sweeps.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
        ]);
        router.push(`/sweeps/${created.id}`);
      },
    }),
  );
  const preset = presets.find((p) => p.name === values.preset);

  function update(patch: Partial<SweepFormValues>) {
    setValues((current) => ({ ...current, ...patch }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(createSweepInputOf(values));
  }

  return {
    values,
    preset,
    create,
    errors: placeErrors(fieldErrorsOf(create.error)),
    update,
    submit,
  };
}
