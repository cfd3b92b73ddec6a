'use client';
/** One run on the leaderboard: its tick box, name, status, metrics, times and actions. */
import Link from 'next/link';
import { formatCompact, formatDuration, formatPercent } from '~/lib/format.ts';
import { RunActions } from '../run-actions.tsx';
import { RunProgress, StatusBadge, VerdictBadges } from '../status-badge.tsx';
import { wallSeconds, type Run } from './run-columns.ts';

/** The badge, live progress, and a failed run's error (cut to 80 characters, whole in the title). */
function StatusCell({ run }: { run: Run }) {
  return (
    <td className="status-cell">
      <StatusBadge status={run.status} cancelRequested={run.cancelRequested} />
      <RunProgress run={run} />
      <VerdictBadges verdicts={run.verdicts} />
      {run.status === 'failed' && run.error && (
        <div className="small" style={{ color: 'var(--bad)', maxWidth: 220 }} title={run.error}>
          {run.error.length > 80 ? `${run.error.slice(0, 80)}…` : run.error}
        </div>
      )}
    </td>
  );
}

/** The run's tags, as chips under its name. */
export function TagChips({ tags }: { tags: string[] }) {
  return (
    <div className="tags" data-testid="run-tags">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </div>
  );
}

export function RunRow(props: {
  run: Run;
  now: Date;
  selected: boolean;
  onToggleSelected: (id: string) => void;
}) {
  const { run } = props;
  return (
    <tr data-run-id={run.id} data-status={run.status}>
      <td>
        <input
          type="checkbox"
          aria-label={`Select ${run.name} for comparison`}
          checked={props.selected}
          onChange={() => props.onToggleSelected(run.id)}
        />
      </td>
      <td className="name-cell">
        <Link href={`/runs/${run.id}`} className="run-name" title={run.name}>
          {run.name}
        </Link>
        <div className="muted small mono">{run.id}</div>
        {run.tags.length > 0 && <TagChips tags={run.tags} />}
      </td>
      <StatusCell run={run} />
      <td className="nowrap">{run.preset}</td>
      <td className="mono dataset-cell" title={run.dataset}>
        {run.dataset}
      </td>
      <td className="num">{formatPercent(run.bestValAcc)}</td>
      <td className="num">{formatPercent(run.testAcc)}</td>
      <td className="num">{run.macroF1 === null ? '–' : run.macroF1.toFixed(3)}</td>
      <td className="num optional-col">{formatCompact(run.paramCount)}</td>
      <td className="num">
        {run.currentEpoch ?? 0}/{run.totalEpochs ?? run.plannedEpochs ?? '–'}
      </td>
      <td className="num">{formatDuration(wallSeconds(run, props.now))}</td>
      <td className="optional-col" title={run.backendDevice ?? undefined}>
        {run.backend ?? '–'}
      </td>
      <td className="num small optional-col">
        {run.createdAt.toISOString().slice(5, 16).replace('T', ' ')}
      </td>
      <td className="actions-col">
        <RunActions run={run} />
      </td>
    </tr>
  );
}
