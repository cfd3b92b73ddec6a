/** What the run's status calls for: its progress, where it waits, why it failed, what it skipped. */
import { RunProgress } from '../status-badge.tsx';
import type { DetailRun } from './detail-types.ts';
import { SkippedFilesNotice } from './skipped-files-notice.tsx';

export function RunStatusNotices({ run }: { run: DetailRun }) {
  return (
    <>
      {run.status === 'running' && (
        <div className="panel">
          <RunProgress run={run} />
        </div>
      )}
      {run.status === 'queued' && (
        <div className="notice info" role="status">
          Waiting in the queue (priority {run.priority}). If nothing picks it up, start a trainer:{' '}
          <code>npx convlab trainer</code>.
        </div>
      )}
      {run.error && (
        <div
          className={`notice ${run.status === 'failed' ? 'error' : 'warn'}`}
          role="alert"
          data-testid="run-error"
        >
          <strong>
            {run.status === 'failed' ? 'This run failed.' : 'An earlier attempt failed.'}
          </strong>
          <pre className="error-text">{run.error}</pre>
          {run.status === 'failed' && <p>Fix the cause (see the message), then press Retry.</p>}
        </div>
      )}

      {run.verdicts.length > 0 && (
        <div className="notice warn" role="status" data-testid="run-verdicts">
          <strong>How this run learned:</strong>
          <ul>
            {run.verdicts.map((verdict) => (
              <li key={verdict.kind} data-verdict={verdict.kind}>
                <strong>{verdict.label}</strong>: {verdict.message}
              </li>
            ))}
          </ul>
        </div>
      )}

      {run.skipped && run.skipped.count > 0 && <SkippedFilesNotice skipped={run.skipped} />}
    </>
  );
}
