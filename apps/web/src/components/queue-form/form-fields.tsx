'use client';
/** The queue forms' labelled inputs: a field with its error or hint, numbers, and the dataset picker. */
import { isFetchableDataset, type BuiltinDataset } from '@convlab/core/contracts';
import type { ReactNode } from 'react';
import { useDatasets, useFetchDataset } from '../datasets/use-datasets.ts';
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

type DatasetsData = NonNullable<ReturnType<typeof useDatasets>['data']>;

const count = (n: number) => n.toLocaleString('en-US');

/** What the picked dataset is and whether this server has it, under the select. */
export function datasetHint(
  dataset: string,
  known: Pick<DatasetsData, 'builtin' | 'folders'> | undefined,
): string {
  if (dataset === FOLDER) return 'a folder of <class name>/ image folders on the trainer’s machine';
  const folder = known?.folders.find((f) => f.dataset === dataset);
  if (folder)
    return `registered folder: ${folder.scan.classes.length} classes, ${count(folder.scan.images)} images`;
  const builtin = known?.builtin.find((d) => d.name === dataset);
  if (!builtin) return known ? 'not a dataset this server knows' : 'checking this server…';
  if (builtin.location === null) return 'generated on the fly: needs no download';
  if (builtin.state !== 'present')
    return `${builtin.state} on this server: fetch it here or on the Datasets page`;
  const sizes =
    builtin.trainImages !== null && builtin.testImages !== null
      ? `${count(builtin.trainImages)} training + ${count(builtin.testImages)} test images, `
      : '';
  return `${sizes}${builtin.classNames.length} classes — on this server`;
}

/** "cifar10 (missing)": the select says which datasets this server does not have yet. */
function datasetOptionLabel(name: string, state: string | undefined): string {
  return state && state !== 'present' ? `${name} (${state})` : name;
}

/**
 * The dataset select (built-in datasets marked with their state on this server, then the registered
 * image folders), the folder path input when "your image folder…" is picked, and a Fetch button when
 * the picked dataset is missing.
 */
export function DatasetInputs(props: {
  idPrefix: string;
  datasets: string[];
  dataset: string;
  folderPath: string;
  error?: string;
  onChange: (dataset: string, folderPath: string) => void;
}) {
  const known = useDatasets();
  const fetchDataset = useFetchDataset();
  const isFolder = props.dataset === FOLDER;
  const states = new Map(known.data?.builtin.map((d) => [d.name, d.state]));
  const folders = known.data?.folders ?? [];
  const picked = known.data?.builtin.find((d) => d.name === props.dataset);
  const job = known.data?.fetches.find((f) => f.name === props.dataset);
  const folderPicked =
    props.dataset.startsWith(FOLDER) &&
    !isFolder &&
    !folders.some((f) => f.dataset === props.dataset);
  return (
    <>
      <Field
        id={`${props.idPrefix}dataset`}
        label="Dataset"
        error={isFolder ? undefined : props.error}
        hint={datasetHint(props.dataset, known.data)}
      >
        <select
          id={`${props.idPrefix}dataset`}
          value={props.dataset}
          onChange={(e) => props.onChange(e.target.value, props.folderPath)}
        >
          {props.datasets.map((dataset) => (
            <option key={dataset} value={dataset}>
              {datasetOptionLabel(dataset, states.get(dataset as BuiltinDataset))}
            </option>
          ))}
          {folders.map((folder) => (
            <option key={folder.dataset} value={folder.dataset}>
              {folder.label} (folder, {folder.scan.classes.length} classes)
            </option>
          ))}
          {folderPicked && <option value={props.dataset}>{props.dataset}</option>}
          <option value={FOLDER}>your image folder…</option>
        </select>
      </Field>
      {picked && (picked.state === 'missing' || picked.state === 'corrupt') && (
        <div className="notice warn dataset-missing" data-testid="dataset-missing">
          {picked.name} is {picked.state} on this server: runs on it fail until it is fetched.{' '}
          {isFetchableDataset(picked.name) && (
            <button
              type="button"
              className="small"
              disabled={job?.state === 'running'}
              onClick={() => {
                if (isFetchableDataset(picked.name)) fetchDataset.mutate({ name: picked.name });
              }}
            >
              {job?.state === 'running' ? 'Fetching…' : 'Fetch it now'}
            </button>
          )}
          {job && (
            <div className="small">
              {job.state === 'running' ? job.messages.at(-1) : job.result}
            </div>
          )}
        </div>
      )}
      {isFolder && (
        <Field
          id={`${props.idPrefix}folder`}
          label="Image folder (on the trainer's machine)"
          error={props.error}
          hint="<folder>/<class name>/*.png|jpg (or register it on the Datasets page)"
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
