'use client';
/** "Queue a run": a preset, its overridable settings, and the queue button. */
import { BATCH_SIZE_HINT, EPOCHS_HINT, PRIORITY_HINT } from './bound-hints.ts';
import { DatasetInputs, Field, NumberField, PresetField } from './form-fields.tsx';
import { datasetValue, type FormValues, type Preset } from './form-values.ts';
import { ClonedNotice, NotQueuedNotice, QueuedNotice } from './queue-run-notices.tsx';
import { useQueueRunForm } from './use-queue-run-form.ts';

export function QueueRunForm({
  presets,
  datasets,
  initial,
  clonedFrom,
}: {
  presets: Preset[];
  datasets: string[];
  /** Prefilled values (a cloned run's config). */
  initial?: FormValues;
  clonedFrom?: { id: string; name: string };
}) {
  const form = useQueueRunForm(presets, initial);
  const { values, preset, queue, errors, update } = form;
  if (!values) return null;
  const isTransfer = preset?.defaults.backbone !== null;
  const numberProps = { values, errors, onChange: update };

  return (
    <section className="panel" aria-labelledby="queue-run-title">
      <h2 id="queue-run-title">Queue a run</h2>
      {clonedFrom && <ClonedNotice from={clonedFrom} extra={values.extra} />}
      {queue.isSuccess && <QueuedNotice id={queue.data.id} />}
      {queue.isError && (
        <NotQueuedNotice
          message={queue.error.message}
          errors={errors}
          unplacedErrors={form.unplacedErrors}
        />
      )}
      <form className="fields" onSubmit={form.submit} noValidate>
        <PresetField
          presets={presets}
          value={values.preset}
          error={errors.preset}
          onChange={(preset) => form.selectPreset(preset)}
        />
        <DatasetInputs
          idPrefix=""
          datasets={datasets}
          dataset={values.dataset}
          folderPath={values.folderPath}
          error={errors.dataset}
          onChange={(dataset, folderPath) => update({ dataset, folderPath })}
        />
        <NumberField id="epochs" label="Epochs" hint={EPOCHS_HINT} {...numberProps} />
        <NumberField id="batchSize" label="Batch size" hint={BATCH_SIZE_HINT} {...numberProps} />
        <NumberField
          id="learningRate"
          label="Learning rate"
          hint="e.g. 0.001"
          decimal
          {...numberProps}
        />
        <NumberField
          id="fineTuneLayers"
          label="Fine-tune layers"
          hint={
            isTransfer
              ? 'backbone layers unfrozen in phase 2 (0 = frozen)'
              : 'transfer presets only'
          }
          {...numberProps}
        />
        <NumberField
          id="seed"
          label="Seed"
          hint="same seed → same data split and init"
          {...numberProps}
        />
        <NumberField
          id="workers"
          label="Workers (optional)"
          hint="data-parallel threads, 1–64; empty: the trainer's share of its cores"
          {...numberProps}
        />
        <NumberField id="priority" label="Priority" hint={PRIORITY_HINT} {...numberProps} />
        <Field id="name" label="Name (optional)" error={errors.name}>
          <input
            id="name"
            value={values.name}
            placeholder={`${values.preset} on ${datasetValue(values.dataset, values.folderPath)}`}
            onChange={(e) => update({ name: e.target.value })}
          />
        </Field>
        <div className={`field checkbox${errors.augment ? ' invalid' : ''}`}>
          <input
            id="augment"
            type="checkbox"
            checked={values.augment}
            onChange={(e) => update({ augment: e.target.checked })}
          />
          <label htmlFor="augment">Augmentation (flips, shifts)</label>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={queue.isPending}>
            {queue.isPending ? 'Queueing…' : 'Queue run'}
          </button>
          {form.hasPresets && (
            <button type="button" onClick={form.resetToPreset}>
              Reset to preset defaults
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
