'use client';
/** "New sweep": the base config, the search space (one param per line) and the sweep's options. */
import { DatasetInputs, Field, NumberInput, PresetField } from '../queue-form/form-fields.tsx';
import type { Preset } from '../queue-form/form-values.ts';
import {
  SPACE_PLACEHOLDER,
  SWEEP_METHODS,
  type SweepFormValues,
  type SweepNumberKey,
} from './sweep-form-values.ts';
import { useSweepForm } from './use-sweep-form.ts';

const METHOD_HINTS: Record<SweepFormValues['method'], string> = {
  grid: 'every combination of the listed values',
  random: 'trials sampled from the space (ranges allowed)',
  asha: 'random trials; the worst stop early at each rung',
};

const NUMBER_FIELDS: { id: SweepNumberKey; label: string; hint: string }[] = [
  { id: 'trials', label: 'Trials', hint: 'random and asha (default 10); grid: its size' },
  { id: 'maxEpochs', label: 'Max epochs', hint: "each trial's budget (default: the preset's)" },
  { id: 'minEpochs', label: 'Min epochs', hint: "asha: the first rung's epochs (default 1)" },
  { id: 'eta', label: 'Eta', hint: 'asha: keep the top 1/η at each rung (default 3)' },
  { id: 'seed', label: 'Seed', hint: 'samples the space (default 0)' },
  { id: 'maxConcurrent', label: 'Max concurrent', hint: 'trials training at once (blank: any)' },
  { id: 'trainLimit', label: 'Train limit', hint: 'at most this many training images' },
  { id: 'testLimit', label: 'Test limit', hint: 'at most this many test images' },
  {
    id: 'workers',
    label: 'Workers',
    hint: "data-parallel threads per trial (blank: the trainer's share)",
  },
];

export function SweepForm({ presets, datasets }: { presets: Preset[]; datasets: string[] }) {
  const form = useSweepForm(presets);
  const { values, errors, create, update } = form;

  return (
    <section className="panel" aria-labelledby="sweep-form-title">
      <h2 id="sweep-form-title">New sweep</h2>
      {create.isError && (
        <div className="notice error" role="alert" data-testid="sweep-error">
          <strong>The sweep was not created.</strong>
          <p>{create.error.message}</p>
        </div>
      )}
      <form className="fields" onSubmit={form.submit} noValidate>
        <Field id="name" label="Name" error={errors.name} hint="optional: named after the space">
          <input id="name" value={values.name} onChange={(e) => update({ name: e.target.value })} />
        </Field>
        <PresetField
          presets={presets}
          value={values.preset}
          error={errors.preset}
          onChange={(preset) => update({ preset })}
        />
        <DatasetInputs
          idPrefix=""
          datasets={datasets}
          dataset={values.dataset}
          folderPath={values.folderPath}
          error={errors.dataset}
          onChange={(dataset, folderPath) => update({ dataset, folderPath })}
        />
        <Field id="method" label="Method" error={errors.method} hint={METHOD_HINTS[values.method]}>
          <select
            id="method"
            value={values.method}
            onChange={(e) => update({ method: e.target.value as SweepFormValues['method'] })}
          >
            {SWEEP_METHODS.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </select>
        </Field>
        <div className="field-wide">
          <Field
            id="space"
            label="Search space"
            error={errors.space}
            hint="one param per line: name=a,b,c · name=uniform:min:max · name=log:min:max"
          >
            <textarea
              id="space"
              rows={5}
              spellCheck={false}
              value={values.space}
              placeholder={SPACE_PLACEHOLDER}
              onChange={(e) => update({ space: e.target.value })}
            />
          </Field>
        </div>
        {NUMBER_FIELDS.map((field) => (
          <NumberInput
            key={field.id}
            id={field.id}
            label={field.label}
            hint={field.hint}
            error={errors[field.id]}
            value={values[field.id]}
            onChange={(text) => update({ [field.id]: text })}
          />
        ))}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create sweep'}
          </button>
        </div>
      </form>
    </section>
  );
}
