'use client';
/** "The lab's experiment": the four lab presets on one dataset, queued as one comparison group. */
import Link from 'next/link';
import { DatasetInputs, NumberInput } from './form-fields.tsx';
import { useExperimentForm } from './use-experiment-form.ts';

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
        <div className="form-actions">
          <button type="submit" className="primary" disabled={experiment.isPending}>
            {experiment.isPending ? 'Queueing…' : "Queue the lab's experiment"}
          </button>
        </div>
      </form>
    </section>
  );
}
