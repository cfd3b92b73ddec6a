'use client';
/** A sweep's page: header, parallel coordinates, ASHA's rungs, the trials and the best config. */
import Link from 'next/link';
import { formatSearchSpace } from '@convlab/core/sweep';
import { Loading, QueryError } from '../query-state.tsx';
import { ParallelCoordinates } from './parallel-coordinates.tsx';
import { RungChart } from './rung-chart.tsx';
import { SweepHeader } from './sweep-header.tsx';
import type { Sweep } from './sweep-types.ts';
import { TrialsTable } from './trials-table.tsx';
import { useSweepDetail } from './use-sweep-detail.ts';

function BestConfig({ sweep }: { sweep: Sweep }) {
  const best = sweep.trials[0];
  if (!sweep.bestConfig || best?.bestValAcc == null)
    return <p className="muted">No trial has a val accuracy yet.</p>;
  return (
    <>
      <p>
        From <Link href={`/runs/${best.id}`}>{best.name}</Link>.{' '}
        <Link
          href={`/queue?from=${best.id}`}
          className="button small primary"
          data-testid="queue-best-config"
        >
          Queue this config
        </Link>
      </p>
      <pre className="config-json" data-testid="best-config">
        {JSON.stringify(sweep.bestConfig, null, 2)}
      </pre>
    </>
  );
}

export function SweepDetail({ id }: { id: string }) {
  const detail = useSweepDetail(id);
  if (detail.isPending) return <Loading what="the sweep" />;
  if (detail.isError)
    return (
      <QueryError error={detail.error} what="this sweep" onRetry={() => void detail.refetch()} />
    );
  const { sweep } = detail.data;
  return (
    <>
      <SweepHeader sweep={sweep} />
      <section className="panel" aria-labelledby="pc-title">
        <h2 id="pc-title">Params → val accuracy</h2>
        <p className="muted small mono">{formatSearchSpace(sweep.definition.space).join('  ')}</p>
        <ParallelCoordinates sweep={sweep} />
      </section>
      {sweep.rungEpochs && (
        <section className="panel" aria-labelledby="rungs-title">
          <h2 id="rungs-title">Rungs</h2>
          <RungChart sweep={sweep} rungEpochs={sweep.rungEpochs} />
        </section>
      )}
      <section className="panel" aria-labelledby="trials-title">
        <h2 id="trials-title">Trials</h2>
        <TrialsTable sweep={sweep} />
      </section>
      <section className="panel" aria-labelledby="best-title">
        <h2 id="best-title">Best config</h2>
        <BestConfig sweep={sweep} />
      </section>
    </>
  );
}
