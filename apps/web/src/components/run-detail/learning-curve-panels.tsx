'use client';
/** The run's learning curves (accuracy, loss, gap) and epoch table, or a note until an epoch ends. */
import { formatPercent } from '~/lib/format.ts';
import { AccuracyChart, GapChart, LossChart } from '../learning-curves.tsx';
import { Empty } from '../query-state.tsx';
import type { DetailRun } from './detail-types.ts';
import { EpochTable } from './epoch-table.tsx';

export function LearningCurvePanels({ run }: { run: DetailRun }) {
  if (run.epochs.length === 0)
    return (
      <div className="panel">
        <Empty title="No epochs yet.">
          <p>Learning curves appear here as each epoch finishes.</p>
        </Empty>
      </div>
    );
  return (
    <div className="grid-2">
      <section className="panel">
        <h2>Accuracy: train vs validation</h2>
        <AccuracyChart epochs={run.epochs} />
      </section>
      <section className="panel">
        <h2>Loss: train vs validation</h2>
        <LossChart epochs={run.epochs} />
      </section>
      <section className="panel">
        <h2>Overfitting gap per epoch</h2>
        <GapChart epochs={run.epochs} />
        <p className="gap-note">
          Train − validation accuracy. The report&apos;s gap (max train acc − max val acc):{' '}
          <strong>{formatPercent(run.report?.overfittingGap)}</strong>
        </p>
      </section>
      <section className="panel">
        <h2>Epochs</h2>
        <EpochTable epochs={run.epochs} bestEpoch={run.bestEpoch} />
      </section>
    </div>
  );
}
