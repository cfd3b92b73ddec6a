import { formatDuration } from '~/lib/format.ts';
import { progressView, type ProgressColumns } from '~/lib/run-progress.ts';

export function StatusBadge({
  status,
  cancelRequested,
}: {
  status: string;
  cancelRequested?: boolean;
}) {
  return (
    <span className={`badge ${status}`} data-status={status}>
      {cancelRequested && status === 'running' ? 'cancelling' : status}
    </span>
  );
}

/** Epoch k/N, batch, ETA and a bar; nothing for runs that are not running. */
export function RunProgress({ run }: { run: ProgressColumns }) {
  const view = progressView(run);
  if (!view) return null;
  const percent = Math.round(view.fraction * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="bar">
        <div style={{ width: `${percent}%` }} />
      </div>
      <div className="text">
        {view.epochLabel}
        {view.batchLabel && ` · ${view.batchLabel}`}
        {view.etaSeconds !== null && ` · ETA ${formatDuration(view.etaSeconds)}`}
      </div>
    </div>
  );
}
