'use client';
import { Loading, QueryError } from '../query-state.tsx';
import { DownloadReportLink } from '../download-report-link.tsx';
import { ConfigPanel } from './config-panel.tsx';
import { PredictPanel } from './predict-panel.tsx';
import { LearningCurvePanels } from './learning-curve-panels.tsx';
import { ModelSummaryPanel } from './model-summary-panel.tsx';
import { ReportSections } from './report-sections.tsx';
import { RunHeader } from './run-header.tsx';
import { RunNotes } from './run-notes.tsx';
import { RunStats } from './run-stats.tsx';
import { RunStatusNotices } from './run-status-notices.tsx';
import { TimingsPanel } from './timings-panel.tsx';
import { useRunDetail } from './use-run-detail.ts';

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
