'use client';
/** Panels with one small chart per run: loss curves, and train vs validation accuracy with the gap. */
import type { ReactNode } from 'react';
import { formatPercent } from '~/lib/format.ts';
import { AccuracyChart, LossChart } from '../learning-curves.tsx';
import { colourOf, gapOf, runLabel, runTitle, type ComparedRun } from './compared-run.ts';

/** One small chart per run, titled with the run's colour swatch and label. */
function PerRunPanel(props: {
  title: string;
  runs: ComparedRun[];
  children: (run: ComparedRun) => ReactNode;
}) {
  return (
    <section className="panel">
      <h2>{props.title}</h2>
      <div className="grid-auto">
        {props.runs.map((run, i) => (
          <div key={run.id} data-run={run.id}>
            <div className="chart-title" title={runTitle(run)}>
              <span className="swatch" style={{ background: colourOf(i) }} />
              {runLabel(run)}
            </div>
            {props.children(run)}
          </div>
        ))}
      </div>
    </section>
  );
}

export function LossCurvesPanel({ runs }: { runs: ComparedRun[] }) {
  return (
    <PerRunPanel title="Loss curves" runs={runs}>
      {(run) =>
        run.epochs.length > 0 ? (
          <LossChart epochs={run.epochs} height={200} />
        ) : (
          <p className="muted">No epochs yet.</p>
        )
      }
    </PerRunPanel>
  );
}

export function TrainVsValidationPanel({ runs }: { runs: ComparedRun[] }) {
  return (
    <PerRunPanel title="Train vs validation accuracy" runs={runs}>
      {(run) => (
        <>
          {run.epochs.length > 0 ? (
            <AccuracyChart epochs={run.epochs} height={200} />
          ) : (
            <p className="muted">No epochs yet.</p>
          )}
          <p className="gap-note">
            Overfitting gap (max train − max val):{' '}
            <strong>{formatPercent(run.report?.overfittingGap ?? gapOf(run))}</strong>
          </p>
        </>
      )}
    </PerRunPanel>
  );
}
