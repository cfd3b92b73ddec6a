'use client';
/** "The lab's experiment": the four lab presets on one dataset, queued as one comparison group. */
import Link from 'next/link';
import { formatDuration } from '~/lib/format.ts';
import { DatasetInputs, NumberInput } from './form-fields.tsx';
import { useExperimentForm, type ExperimentPlan } from './use-experiment-form.ts';

/** Each preset's epochs (per phase) and how long it should take here, before anything is queued. */
function ExperimentPlanTable({ plan }: { plan: ExperimentPlan | null | undefined }) {
  // null: the dataset as typed is not valid yet (its error shows when queueing).
  if (plan === null) return null;
  if (!plan) return <p className="muted small">Working out the plan…</p>;
  const known = plan.runs.every((run) => run.seconds !== null);
  const total = plan.runs.reduce((sum, run) => sum + (run.seconds ?? 0), 0);
  return (
    <div className="table-wrap experiment-plan-wrap">
      <table className="data experiment-plan" data-testid="experiment-plan">
        <thead>
          <tr>
            <th>Preset</th>
            <th className="num">Epochs</th>
            <th className="num">Estimated time here</th>
          </tr>
        </thead>
        <tbody>
          {plan.runs.map((run) => (
            <tr key={run.preset} data-preset={run.preset}>
              <td>
                <code>{run.preset}</code> <span className="muted small">{run.title}</span>
              </td>
              <td className="num" data-testid="plan-epochs">
                {run.epochs}
                {run.phases.length > 1 && (
                  <span className="muted small">
                    {' '}
                    ({run.phases.map((p) => `${p.epochs} ${p.phase}`).join(' + ')})
                  </span>
                )}
              </td>
              <td className="num" title={estimateTitle(run)}>
                {run.seconds === null ? 'no estimate yet' : `≈ ${formatDuration(run.seconds)}`}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={2}>All four, one after another on one trainer</td>
            <td className="num" data-testid="plan-total">
              {known ? `≈ ${formatDuration(total)}` : 'no estimate yet'}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function estimateTitle(run: ExperimentPlan['runs'][number]): string {
  if (run.trainImages === null) return 'The dataset’s size is not known on this server yet';
  if (run.seconds === null)
    return `No run of ${run.preset} has finished here yet: its speed on this host is unknown`;
  return `From the speed of the last ${run.basedOnRuns} ${run.preset} run(s) here, on ${run.trainImages.toLocaleString('en-US')} training images`;
}

export function ExperimentForm({ datasets }: { datasets: string[] }) {
  const form = useExperimentForm();
  const { experiment, errors } = form;

  return (
    <section className="panel" aria-labelledby="experiment-title">
      <h2 id="experiment-title">The lab&apos;s experiment</h2>
      <p className="muted">
        Queues <code>seed-cnn</code>, <code>seed-transfer</code>, <code>transfer-plus</code> and{' '}
        <code>cnn-plus</code> on one dataset as one comparison group, each with its preset&apos;s
        settings.
      </p>
      {experiment.isSuccess && (
        <div className="notice success" role="status">
          Queued 4 runs as group <span className="mono">{experiment.data.groupId}</span>.{' '}
          <Link href={`/?group=${experiment.data.groupId}`}>See the group</Link> ·{' '}
          <Link href={`/compare?ids=${experiment.data.ids.join(',')}`}>Compare them</Link> (once
          they have trained).
        </div>
      )}
      {experiment.isError && Object.keys(errors).length === 0 && (
        <div className="notice error" role="alert">
          {experiment.error.message}
        </div>
      )}
      <form className="fields" noValidate onSubmit={form.submit}>
        <DatasetInputs
          idPrefix="experiment-"
          datasets={datasets}
          dataset={form.dataset}
          folderPath={form.folderPath}
          error={errors.dataset}
          onChange={form.setDatasetInputs}
        />
        <NumberInput
          id="experiment-seed"
          label="Seed"
          error={errors.seed}
          value={form.seed}
          onChange={form.setSeed}
        />
        <NumberInput
          id="experiment-epochs"
          label="Epochs (optional)"
          error={errors.epochs}
          hint="empty: each preset's own"
          value={form.epochs}
          onChange={form.setEpochs}
        />
        <ExperimentPlanTable plan={form.plan} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={experiment.isPending}>
            {experiment.isPending ? 'Queueing…' : "Queue the lab's experiment"}
          </button>
        </div>
      </form>
    </section>
  );
}
