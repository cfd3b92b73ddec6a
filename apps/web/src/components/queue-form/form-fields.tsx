'use client';
/** The queue forms' labelled inputs: a field with its error or hint, numbers, and the dataset picker. */
import type { ReactNode } from 'react';
import {
  FOLDER,
  type FieldErrors,
  type FormValues,
  type NumericKey,
  type Preset,
} from './form-values.ts';

export function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`field${props.error ? ' invalid' : ''}`} data-field={props.id}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <span className="error" id={`${props.id}-error`} role="alert">
          {props.error}
        </span>
      ) : (
        props.hint && <span className="hint">{props.hint}</span>
      )}
    </div>
  );
}

/** A labelled text input for a number as typed (validated on the server, its error shown beside it). */
export function NumberInput(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  decimal?: boolean;
  value: string;
  onChange: (text: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} error={props.error} hint={props.hint}>
      <input
        id={props.id}
        inputMode={props.decimal ? 'decimal' : 'numeric'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

/** The number input for one numeric value of the run form, keyed by its id. */
export function NumberField(props: {
  id: NumericKey;
  label: string;
  hint: string;
  decimal?: boolean;
  values: FormValues;
  errors: FieldErrors;
  onChange: (patch: Partial<FormValues>) => void;
}) {
  const { id } = props;
  return (
    <NumberInput
      id={id}
      label={props.label}
      error={props.errors[id]}
      hint={props.hint}
      decimal={props.decimal}
      value={props.values[id]}
      onChange={(text) => props.onChange({ [id]: text })}
    />
  );
}

/** The preset select, the chosen preset's description as its hint. */
export function PresetField(props: {
  presets: Preset[];
  value: string;
  error?: string;
  onChange: (preset: string) => void;
}) {
  const chosen = props.presets.find((p) => p.name === props.value);
  return (
    <Field id="preset" label="Preset" error={props.error} hint={chosen?.description}>
      <select id="preset" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.presets.map((p) => (
          <option key={p.name} value={p.name}>
            {p.name} — {p.title}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The dataset select, and the folder path input when "your image folder…" is picked. */
export function DatasetInputs(props: {
  idPrefix: string;
  datasets: string[];
  dataset: string;
  folderPath: string;
  error?: string;
  onChange: (dataset: string, folderPath: string) => void;
}) {
  const isFolder = props.dataset === FOLDER;
  return (
    <>
      <Field
        id={`${props.idPrefix}dataset`}
        label="Dataset"
        error={isFolder ? undefined : props.error}
        hint="synthetic needs no download; others: npx convlab data fetch <name>"
      >
        <select
          id={`${props.idPrefix}dataset`}
          value={props.dataset}
          onChange={(e) => props.onChange(e.target.value, props.folderPath)}
        >
          {props.datasets.map((dataset) => (
            <option key={dataset}>{dataset}</option>
          ))}
          <option value={FOLDER}>your image folder…</option>
        </select>
      </Field>
      {isFolder && (
        <Field
          id={`${props.idPrefix}folder`}
          label="Image folder (on the trainer's machine)"
          error={props.error}
          hint="<folder>/<class name>/*.png|jpg"
        >
          <input
            id={`${props.idPrefix}folder`}
            value={props.folderPath}
            placeholder="/data/my-images"
            onChange={(e) => props.onChange(props.dataset, e.target.value)}
          />
        </Field>
      )}
    </>
  );
}
