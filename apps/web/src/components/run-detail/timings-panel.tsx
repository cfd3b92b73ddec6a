/** When the run was queued, started and finished, its attempts, and its files to download. */
import { formatBytes, formatDateTime, formatDuration } from '~/lib/format.ts';
import type { DetailRun, RunArtifact } from './detail-types.ts';

export function TimingsPanel({ run, artifacts }: { run: DetailRun; artifacts: RunArtifact[] }) {
  return (
    <section className="panel">
      <h2>Timings and downloads</h2>
      <dl className="kv">
        <dt>queued</dt>
        <dd>{formatDateTime(run.createdAt)}</dd>
        <dt>started</dt>
        <dd>{formatDateTime(run.startedAt)}</dd>
        <dt>finished</dt>
        <dd>{formatDateTime(run.finishedAt)}</dd>
        <dt>training time</dt>
        <dd>{formatDuration(run.trainSeconds)}</dd>
        <dt>backend</dt>
        <dd>{run.backend ?? '–'}</dd>
        {run.backendDevice && (
          <>
            <dt>device</dt>
            <dd>{run.backendDevice}</dd>
          </>
        )}
        <dt>attempts</dt>
        <dd>
          {run.attempts}/{run.maxAttempts}
          {run.resumedFromEpoch ? ` (resumed from epoch ${run.resumedFromEpoch})` : ''}
        </dd>
      </dl>
      <h3 style={{ marginTop: 16 }}>Downloads</h3>
      <DownloadList runId={run.id} artifacts={artifacts} />
    </section>
  );
}

function DownloadList({ runId, artifacts }: { runId: string; artifacts: RunArtifact[] }) {
  if (artifacts.length === 0)
    return (
      <p className="muted">
        The trained model (TensorFlow.js format) and report.json appear here when the run completes.
      </p>
    );
  return (
    <ul data-testid="downloads">
      {artifacts.some((file) => file.path.startsWith('model/')) && (
        <li>
          <a href={`/api/runs/${runId}/model.tar`} download>
            model.tar
          </a>{' '}
          <span className="muted small">
            (the model folder: model.json + weights, for tf.loadLayersModel)
          </span>
        </li>
      )}
      {artifacts.map((file) => (
        <li key={file.path}>
          <a href={`/api/runs/${runId}/files/${file.path}`} download>
            {file.path}
          </a>{' '}
          <span className="muted small">{formatBytes(file.bytes)}</span>
        </li>
      ))}
    </ul>
  );
}
