'use client';
/** The sweep's trials, best first: status, rung, epochs, metrics and one column per swept param. */
import Link from 'next/link';
import { formatPercent } from '~/lib/format.ts';
import { StatusBadge } from '../status-badge.tsx';
import { formatParamValue } from '@convlab/core/sweep';
import type { Sweep } from './sweep-types.ts';

export function TrialsTable({ sweep }: { sweep: Sweep }) {
  const params = Object.keys(sweep.definition.space);
  const asha = sweep.rungEpochs !== null;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="trials-table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Trial</th>
            <th>Status</th>
            {asha && <th className="num">Rung</th>}
            <th className="num">Epochs</th>
            <th className="num">Best val acc</th>
            <th className="num">Test acc</th>
            {params.map((param) => (
              <th key={param} className="mono">
                {param}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sweep.trials.map((trial, index) => (
            <tr key={trial.id} data-trial-id={trial.id} data-status={trial.status}>
              <td className="num muted">{index + 1}</td>
              <td>
                <Link href={`/runs/${trial.id}`}>{trial.name}</Link>
                {trial.status === 'failed' && trial.error && (
                  <div className="small" style={{ color: 'var(--bad)' }} title={trial.error}>
                    {trial.error.length > 80 ? `${trial.error.slice(0, 80)}…` : trial.error}
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={trial.status} />
              </td>
              {asha && <td className="num">{trial.rung ?? '–'}</td>}
              <td className="num">{trial.epochsDone}</td>
              <td className="num" data-column="bestValAcc">
                {formatPercent(trial.bestValAcc)}
              </td>
              <td className="num">{formatPercent(trial.testAcc)}</td>
              {params.map((param) => (
                <td key={param} className="mono">
                  {formatParamValue(trial.params[param])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
