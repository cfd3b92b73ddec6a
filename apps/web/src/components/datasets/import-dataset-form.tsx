'use client';
/**
 * Import a copy of a built-in dataset that is already on the server (another machine's download,
 * Debian's dataset-fashion-mnist, CIFAR-10's tarball): checked by its contents, then placed where the
 * trainer looks. The way to get data with no network at all.
 */
import { FETCHABLE_DATASETS, type FetchableDataset } from '@convlab/core/contracts';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../query-state.tsx';
import { useImportDataset } from './use-datasets.ts';

export function ImportDatasetForm({ datasetRoots }: { datasetRoots: string[] }) {
  const [name, setName] = useState<FetchableDataset>('fashion-mnist');
  const [folder, setFolder] = useState('');
  const importDataset = useImportDataset();

  function submit(event: FormEvent) {
    event.preventDefault();
    importDataset.mutate({ name, path: folder });
  }

  return (
    <form className="import-dataset" onSubmit={submit} noValidate data-testid="import-dataset">
      <h3>Import a copy you have</h3>
      <div className="field">
        <label htmlFor="import-name">Dataset</label>
        <select
          id="import-name"
          value={name}
          onChange={(e) => setName(e.target.value as FetchableDataset)}
        >
          {FETCHABLE_DATASETS.map((dataset) => (
            <option key={dataset} value={dataset}>
              {dataset}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor="import-path">Folder on this server</label>
        <input
          id="import-path"
          value={folder}
          placeholder={`${datasetRoots[0] ?? '/data'}/downloads/fashion-mnist`}
          onChange={(e) => setFolder(e.target.value)}
        />
        <span className="hint">
          The official files, gzipped by anyone or not at all (MNIST-like), or CIFAR-10&apos;s .bin
          files or tarball; inside {datasetRoots.join(', ') || 'a dataset root'}. Works offline.
        </span>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={importDataset.isPending}>
          {importDataset.isPending ? 'Checking…' : 'Import'}
        </button>
      </div>
      {importDataset.error && (
        <div className="notice error wrap-anywhere" role="alert" data-testid="import-error">
          {errorMessage(importDataset.error)}
        </div>
      )}
      {importDataset.data && (
        <div className="notice success" data-testid="import-notice">
          Imported {importDataset.data.name}: {importDataset.data.files.length} files,{' '}
          {importDataset.data.verified} verified ({importDataset.data.seconds} s).
        </div>
      )}
    </form>
  );
}
