/** The run's headline numbers: accuracy, F1, gap, size, wall time and backend. */
import {
  formatCompact,
  formatDuration,
  formatImagesPerSecond,
  formatPercent,
  secondsBetween,
} from '~/lib/format.ts';
import type { DetailRun, RunDetailData } from './detail-types.ts';

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

/** `now` is the server's clock, for the wall time of a run still running. */
export function RunStats({ run, now }: { run: DetailRun; now: RunDetailData['now'] }) {
  const wall =
    run.trainSeconds ??
    secondsBetween(run.startedAt, run.finishedAt ?? (run.status === 'running' ? now : null));
  return (
    <div className="stats">
      <Stat label="Test accuracy" value={formatPercent(run.testAcc)} testId="stat-test-acc" />
      <Stat
        label={`Best val accuracy${run.bestEpoch ? ` (epoch ${run.bestEpoch})` : ''}`}
        value={formatPercent(run.bestValAcc)}
      />
      <Stat label="Macro F1" value={run.macroF1 === null ? '–' : run.macroF1.toFixed(3)} />
      <Stat label="Overfitting gap" value={formatPercent(run.report?.overfittingGap)} />
      <Stat label="Parameters" value={formatCompact(run.paramCount)} />
      <Stat label="Wall time" value={formatDuration(wall)} />
      <Stat
        label="Training speed"
        value={run.timing ? formatImagesPerSecond(run.timing.imagesPerSecond) : '–'}
        testId="stat-throughput"
      />
      <Stat label="Backend" value={run.backend ?? '–'} />
    </div>
  );
}
