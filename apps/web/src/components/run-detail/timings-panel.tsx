/**
 * When the run was queued, started and finished, where its time went and how fast it trained, its
 * attempts, and its files to download.
 */
import { TIMED_PARTS, type RunTiming } from '@convlab/core/contracts';
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatImagesPerSecond,
} from '~/lib/format.ts';
import type { DetailRun, RunArtifact } from './detail-types.ts';

/** Tenths of a second below 10 s: the parts of a short run are not all "0s". */
function formatPartSeconds(seconds: number): string {
  return seconds < 10 ? `${seconds.toFixed(1)}s` : formatDuration(seconds);
}

/** Training throughput (per phase for transfer runs) and the seconds of each part of the run. */
function Throughput({ timing }: { timing: RunTiming }) {
  const total = TIMED_PARTS.reduce((sum, part) => sum + timing.seconds[part], 0);
  return (
    <div data-testid="run-timing">
      <h3 style={{ marginTop: 16 }}>Where the time went</h3>
      <dl className="kv">
        <dt>throughput</dt>
        <dd data-testid="throughput">
          {formatImagesPerSecond(timing.imagesPerSecond)}
          {timing.phases.length > 1 &&
            ` (${timing.phases.map((p) => `${p.phase} ${formatImagesPerSecond(p.imagesPerSecond)}`).join(', ')})`}
        </dd>
        {TIMED_PARTS.map((part) => (
          <div key={part} style={{ display: 'contents' }}>
            <dt>{part}</dt>
            <dd data-part={part}>
              {formatPartSeconds(timing.seconds[part])}
              {total > 0 && (
                <span className="muted small">
                  {' '}
                  ({Math.round((timing.seconds[part] / total) * 100)} %)
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

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
        <dd data-testid="run-backend">
          {run.backend ?? '–'}
          {run.workers !== null &&
            ` · ${run.workers} data-parallel worker${run.workers === 1 ? '' : 's'}`}
          {run.workersNote && <div className="muted small">{run.workersNote}</div>}
        </dd>
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
      {run.timing && <Throughput timing={run.timing} />}
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
