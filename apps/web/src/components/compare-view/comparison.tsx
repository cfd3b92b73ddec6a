'use client';
/** The comparison of 2–4 runs: the runs table, overlaid charts, per-run curves and the config diff. */
import { DownloadReportLink } from '../download-report-link.tsx';
import { Loading, QueryError } from '../query-state.tsx';
import { CompareRunsTable } from './compare-runs-table.tsx';
import { FinalAccuracyBars, PerClassF1Bars, ValAccuracyOverlay } from './comparison-charts.tsx';
import { ConfigDiff } from './config-diff.tsx';
import { LossCurvesPanel, TrainVsValidationPanel } from './per-run-panels.tsx';
import { useComparison } from './use-comparison.ts';

export function Comparison({ ids }: { ids: string[] }) {
  const compare = useComparison(ids);
  if (compare.isPending) return <Loading what="the runs" />;
  if (compare.isError)
    return (
      <QueryError
        error={compare.error}
        what="the comparison"
        onRetry={() => void compare.refetch()}
      />
    );
  const { runs } = compare.data;

  return (
    <>
      <CompareRunsTable runs={runs} />
      <DownloadReportLink runIds={ids} />

      <div className="grid-2">
        <section className="panel">
          <h2>Validation accuracy</h2>
          <ValAccuracyOverlay runs={runs} />
        </section>
        <section className="panel">
          <h2>Final accuracy</h2>
          <FinalAccuracyBars runs={runs} />
        </section>
      </div>

      <LossCurvesPanel runs={runs} />

      <TrainVsValidationPanel runs={runs} />

      {/* Full width: class names need the room, and every run's parameters must show unscrolled. */}
      <section className="panel">
        <h2>Per-class F1</h2>
        <PerClassF1Bars runs={runs} />
      </section>
      <section className="panel">
        <h2>Parameters</h2>
        <ConfigDiff runs={runs} />
      </section>
    </>
  );
}
