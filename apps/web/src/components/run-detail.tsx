'use client';
import { Loading, QueryError } from './query-state.tsx';
import { DownloadReportLink } from './download-report-link.tsx';
import { ConfigPanel } from './run-detail/config-panel.tsx';
import { PredictPanel } from './run-detail/predict-panel.tsx';
import { LearningCurvePanels } from './run-detail/learning-curve-panels.tsx';
import { ModelSummaryPanel } from './run-detail/model-summary-panel.tsx';
import { ReportSections } from './run-detail/report-sections.tsx';
import { RunHeader } from './run-detail/run-header.tsx';
import { RunNotes } from './run-detail/run-notes.tsx';
import { RunStats } from './run-detail/run-stats.tsx';
import { RunStatusNotices } from './run-detail/run-status-notices.tsx';
import { TimingsPanel } from './run-detail/timings-panel.tsx';
import { useRunDetail } from './run-detail/use-run-detail.ts';

export function RunDetail({ id }: { id: string }) {
  const detail = useRunDetail(id);
  if (detail.isPending) return <Loading what="the run" />;
  if (detail.isError)
    return (
      <QueryError error={detail.error} what="this run" onRetry={() => void detail.refetch()} />
    );
  const { run, artifacts, now } = detail.data;

  return (
    <>
      <RunHeader run={run} />
      {run.status === 'completed' && run.report && <DownloadReportLink runIds={[run.id]} />}
      <RunStatusNotices run={run} />
      <RunStats run={run} now={now} />
      <LearningCurvePanels run={run} />

      {run.report ? (
        <ReportSections runId={run.id} report={run.report} />
      ) : (
        run.status === 'completed' && (
          <div className="notice warn">This run finished without a stored report.</div>
        )
      )}

      {run.status === 'completed' && run.report && <PredictPanel runId={run.id} />}

      {run.modelSummary && <ModelSummaryPanel summary={run.modelSummary} />}
      <div className="grid-2">
        <ConfigPanel run={run} />
        <TimingsPanel run={run} artifacts={artifacts} />
      </div>
      <RunNotes key={run.id} run={run} />
    </>
  );
}
