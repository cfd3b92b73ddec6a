import type { RunVerdict } from '@convlab/core/contracts';
import { formatDuration } from '~/lib/format.ts';
import { describeProgress, type ProgressColumns } from '@convlab/core/contracts';

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

/** What is wrong with a run's learning ("near chance", "still improving"), the reason in the title. */
export function VerdictBadges({ verdicts }: { verdicts: RunVerdict[] }) {
  if (verdicts.length === 0) return null;
  return (
    <div className="verdicts">
      {verdicts.map((verdict) => (
        <span
          key={verdict.kind}
          className={`badge verdict ${verdict.kind}`}
          data-verdict={verdict.kind}
          title={verdict.message}
        >
          {verdict.label}
        </span>
      ))}
    </div>
  );
}

/** Epoch k/N, batch, ETA and a bar; nothing for runs that are not running. */
export function RunProgress({ run }: { run: ProgressColumns }) {
  const view = describeProgress(run);
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
        {view.etaSeconds !== null && (
          <span
            title={
              view.etaLowerBound
                ? 'Until the run ends, leaving out a phase no earlier run of this preset has timed here'
                : 'Until the run ends: every phase and the test evaluation included'
            }
          >
            {` · ETA ${view.etaLowerBound ? '≥ ' : ''}${formatDuration(view.etaSeconds)}`}
          </span>
        )}
      </div>
    </div>
  );
}
