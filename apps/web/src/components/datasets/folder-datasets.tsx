'use client';
/** Image folders: register one by path (checked on the server first) and list those registered. */
import Link from 'next/link';
import type { RouterOutputs } from '~/server/root.ts';
import { errorMessage } from '../query-state.tsx';
import { DatasetPath } from './dataset-path.tsx';
import { useFolderDatasets } from './use-folder-datasets.ts';

type Folder = RouterOutputs['datasets']['list']['folders'][number];

function skippedSummary(skipped: Folder['scan']['skipped']): string {
  if (skipped.count === 0) return 'none';
  const kinds = Object.entries(skipped.byKind).map(([kind, n]) => `${n} ${kind}`);
  return `${skipped.count} (${kinds.join(', ')})`;
}

export function FolderDatasets({
  folders,
  datasetRoots,
}: {
  folders: Folder[];
  datasetRoots: string[];
}) {
  const { folderPath, setFolderPath, label, setLabel, register, remove, submit } =
    useFolderDatasets();

  return (
    <section className="panel" aria-labelledby="folders-title">
      <h2 id="folders-title">Image folders</h2>
      <form className="register-folder" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="folder-path">Folder on this server</label>
          <input
            id="folder-path"
            value={folderPath}
            placeholder={`${datasetRoots[0] ?? '/data'}/my-images`}
            onChange={(e) => setFolderPath(e.target.value)}
          />
          <span className="hint">
            &lt;folder&gt;/&lt;class&gt;/*.png|jpg, or train/ and test/ with the same classes;
            inside {datasetRoots.join(', ') || 'a dataset root'} (CONVLAB_DATASET_ROOTS)
          </span>
        </div>
        <div className="field">
          <label htmlFor="folder-label">Name (optional)</label>
          <input id="folder-label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={register.isPending}>
            {register.isPending ? 'Checking…' : 'Register folder'}
          </button>
        </div>
      </form>
      {register.error && (
        <div className="notice error wrap-anywhere" role="alert" data-testid="register-error">
          {errorMessage(register.error)}
        </div>
      )}
      {register.data && (
        <div className="notice success wrap-anywhere" data-testid="registered-notice">
          Registered {register.data.label}: {register.data.scan.classes.length} classes,{' '}
          {register.data.scan.images.toLocaleString('en-US')} images, unreadable files:{' '}
          {skippedSummary(register.data.scan.skipped)}.{' '}
          <Link href={`/queue?dataset=${encodeURIComponent(register.data.dataset)}`}>
            Queue a run on it
          </Link>
        </div>
      )}
      {folders.length === 0 ? (
        <p className="muted">No folders registered yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data datasets-table" data-testid="folder-datasets">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Classes (images each)</th>
                <th className="num">Images</th>
                <th>Unreadable</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {folders.map((folder) => (
                <tr key={folder.dataset} data-dataset={folder.dataset}>
                  <td className="wrap-anywhere">{folder.label}</td>
                  <td className="small">
                    <DatasetPath path={folder.dataset.replace(/^folder:/, '')} />
                  </td>
                  <td className="small wrap-anywhere">
                    {folder.scan.classes
                      .map(
                        (c) =>
                          `${c.name} (${c.trainImages}${folder.scan.layout === 'train-test' ? ` + ${c.testImages} test` : ''})`,
                      )
                      .join(', ')}
                  </td>
                  <td className="num">{folder.scan.images.toLocaleString('en-US')}</td>
                  <td className="small">{skippedSummary(folder.scan.skipped)}</td>
                  <td className="actions-cell">
                    <Link
                      className="button small"
                      href={`/queue?dataset=${encodeURIComponent(folder.dataset)}`}
                    >
                      Queue
                    </Link>
                    <button
                      type="button"
                      className="small"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate({ dataset: folder.dataset })}
                    >
                      Forget
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
