/** The compared runs side by side: status, headline metrics, size, time and backend. */
import Link from 'next/link';
import { formatCompact, formatDuration, formatPercent } from '~/lib/format.ts';
import { StatusBadge } from '../status-badge.tsx';
import { colourOf, runLabel, runTitle, type ComparedRun } from './compared-run.ts';

export function CompareRunsTable({ runs }: { runs: ComparedRun[] }) {
  const unfinished = runs.filter((run) => run.status !== 'completed');
  return (
    <div className="panel">
      <table className="data" data-testid="compare-runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Preset</th>
            <th>Dataset</th>
            <th className="num">Test acc</th>
            <th className="num">Best val acc</th>
            <th className="num">Macro F1</th>
            <th className="num">Gap</th>
            <th className="num">Params</th>
            <th className="num">Time</th>
            <th>Backend</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run, i) => (
            <tr key={run.id}>
              <td>
                <span className="swatch" style={{ background: colourOf(i) }} />
                <Link href={`/runs/${run.id}`} title={runTitle(run)}>
                  {runLabel(run)}
                </Link>
              </td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{run.preset}</td>
              {/* Folder datasets are long paths: wrapped, so the table keeps to the page. */}
              <td className="mono wrap-anywhere">{run.dataset}</td>
              <td className="num">{formatPercent(run.testAcc)}</td>
              <td className="num">{formatPercent(run.bestValAcc)}</td>
              <td className="num">{run.macroF1 === null ? '–' : run.macroF1.toFixed(3)}</td>
              <td className="num">{formatPercent(run.report?.overfittingGap)}</td>
              <td className="num">{formatCompact(run.paramCount)}</td>
              <td className="num">{formatDuration(run.trainSeconds)}</td>
              <td>{run.backend ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {unfinished.length > 0 && (
        <p className="muted small">
          {unfinished.length} of these runs {unfinished.length === 1 ? 'has' : 'have'} not
          completed; their panels fill in as they train.
        </p>
      )}
    </div>
  );
}
