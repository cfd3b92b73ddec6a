'use client';
/** The image-folder form's state: the path and name typed, and the register / forget mutations. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';

export function useFolderDatasets() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [folderPath, setFolderPath] = useState('');
  const [label, setLabel] = useState('');
  // Either changes the datasets list (and the queue forms' dataset select).
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() });
  const register = useMutation(
    trpc.datasets.registerFolder.mutationOptions({ onSettled: invalidate }),
  );
  const remove = useMutation(trpc.datasets.removeFolder.mutationOptions({ onSettled: invalidate }));

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate({
      path: folderPath,
      ...(label.trim() === '' ? {} : { label: label.trim() }),
    });
  }

  return { folderPath, setFolderPath, label, setLabel, register, remove, submit };
}
