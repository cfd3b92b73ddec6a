'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import type { AppRouter, RouterOutputs } from '~/server/root.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { Loading, QueryError } from './query-state.tsx';

type Preset = RouterOutputs['presets']['list']['presets'][number];
type FieldErrors = Record<string, string>;

/** What the form holds: text as typed, so the server's validation (not the browser's) decides. */
interface FormValues {
  preset: string;
  dataset: string;
  folderPath: string;
  epochs: string;
  batchSize: string;
  learningRate: string;
  augment: boolean;
  fineTuneLayers: string;
  seed: string;
  priority: string;
  name: string;
}

const FOLDER = 'folder:';

function valuesFor(preset: Preset, previous?: FormValues): FormValues {
  const d = preset.defaults;
  return {
    preset: preset.name,
    dataset: previous?.dataset ?? d.dataset,
    folderPath: previous?.folderPath ?? '',
    epochs: String(d.epochs),
    batchSize: String(d.batchSize),
    learningRate: String(d.learningRate),
    augment: d.augment,
    fineTuneLayers: String(d.fineTuneLayers),
    seed: previous?.seed ?? String(d.seed),
    priority: previous?.priority ?? '0',
    name: previous?.name ?? '',
  };
}

/** "" → undefined (use the preset's value); anything else → a number, NaN included (the server says why). */
function numberOrUndefined(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    return data?.fieldErrors ?? {};
  }
  return {};
}

function Field(props: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
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

type NumericKey = 'epochs' | 'batchSize' | 'learningRate' | 'fineTuneLayers' | 'seed' | 'priority';

/** A labelled text input for one numeric form value (validated on the server, errors shown beside it). */
function NumberField(props: {
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
    <Field id={id} label={props.label} error={props.errors[id]} hint={props.hint}>
      <input
        id={id}
        inputMode={props.decimal ? 'decimal' : 'numeric'}
        value={props.values[id]}
        onChange={(e) => props.onChange({ [id]: e.target.value })}
      />
    </Field>
  );
}

export function QueueForms() {
  const trpc = useTRPC();
  const presets = useQuery(trpc.presets.list.queryOptions(undefined, { staleTime: Infinity }));
  if (presets.isPending) return <Loading what="presets" />;
  if (presets.isError)
    return (
      <QueryError error={presets.error} what="the presets" onRetry={() => void presets.refetch()} />
    );
  return (
    <>
      <QueueRunForm presets={presets.data.presets} datasets={presets.data.datasets} />
      <ExperimentForm datasets={presets.data.datasets} />
    </>
  );
}

function DatasetInputs(props: {
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

function datasetValue(dataset: string, folderPath: string): string {
  return dataset === FOLDER ? `${FOLDER}${folderPath.trim()}` : dataset;
}

function QueueRunForm({ presets, datasets }: { presets: Preset[]; datasets: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const first = presets.find((preset) => preset.name === 'tiny-cnn') ?? presets[0];
  const [values, setValues] = useState<FormValues | null>(first ? valuesFor(first) : null);
  const queue = useMutation(
    trpc.runs.queue.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );
  if (!values) return null;
  const preset = presets.find((p) => p.name === values.preset);
  const errors = fieldErrorsOf(queue.error);
  const isTransfer = preset?.defaults.backbone !== null;

  function update(patch: Partial<FormValues>) {
    setValues((current) => (current ? { ...current, ...patch } : current));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!values) return;
    queue.mutate({
      config: {
        preset: values.preset as Preset['name'],
        dataset: datasetValue(values.dataset, values.folderPath),
        epochs: numberOrUndefined(values.epochs),
        batchSize: numberOrUndefined(values.batchSize),
        learningRate: numberOrUndefined(values.learningRate),
        augment: values.augment,
        fineTuneLayers: numberOrUndefined(values.fineTuneLayers),
        seed: numberOrUndefined(values.seed),
      },
      priority: numberOrUndefined(values.priority),
      name: values.name.trim() === '' ? undefined : values.name,
    });
  }

  const unplacedErrors = Object.entries(errors).filter(
    ([field]) =>
      ![
        'preset',
        'dataset',
        'epochs',
        'batchSize',
        'learningRate',
        'augment',
        'fineTuneLayers',
        'seed',
        'priority',
        'name',
      ].includes(field),
  );

  return (
    <section className="panel" aria-labelledby="queue-run-title">
      <h2 id="queue-run-title">Queue a run</h2>
      {queue.isSuccess && (
        <div className="notice success" role="status" data-testid="queued-notice">
          Queued run{' '}
          <Link href={`/runs/${queue.data.id}`} className="mono">
            {queue.data.id}
          </Link>
          . <Link href="/">Watch it on the leaderboard</Link>.
        </div>
      )}
      {queue.isError && (
        <div className="notice error" role="alert">
          <strong>The run was not queued.</strong>
          <p>
            {Object.keys(errors).length > 0 ? 'Fix the fields marked below.' : queue.error.message}
            {unplacedErrors.map(([field, message]) => (
              <span key={field}>
                {' '}
                {field}: {message}
              </span>
            ))}
          </p>
        </div>
      )}
      <form className="fields" onSubmit={submit} noValidate>
        <Field id="preset" label="Preset" error={errors.preset} hint={preset?.description}>
          <select
            id="preset"
            value={values.preset}
            onChange={(e) => {
              const next = presets.find((p) => p.name === e.target.value);
              if (next) setValues(valuesFor(next, values));
            }}
          >
            {presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} — {p.title}
              </option>
            ))}
          </select>
        </Field>
        <DatasetInputs
          idPrefix=""
          datasets={datasets}
          dataset={values.dataset}
          folderPath={values.folderPath}
          error={errors.dataset}
          onChange={(dataset, folderPath) => update({ dataset, folderPath })}
        />
        <NumberField
          id="epochs"
          label="Epochs"
          hint="1–500"
          values={values}
          errors={errors}
          onChange={update}
        />
        <NumberField
          id="batchSize"
          label="Batch size"
          hint="1–2048"
          values={values}
          errors={errors}
          onChange={update}
        />
        <NumberField
          id="learningRate"
          label="Learning rate"
          hint="e.g. 0.001"
          decimal
          values={values}
          errors={errors}
          onChange={update}
        />
        <NumberField
          id="fineTuneLayers"
          label="Fine-tune layers"
          hint={
            isTransfer
              ? 'backbone layers unfrozen in phase 2 (0 = frozen)'
              : 'transfer presets only'
          }
          values={values}
          errors={errors}
          onChange={update}
        />
        <NumberField
          id="seed"
          label="Seed"
          hint="same seed → same data split and init"
          values={values}
          errors={errors}
          onChange={update}
        />
        <NumberField
          id="priority"
          label="Priority"
          hint="higher runs first (−1000…1000)"
          values={values}
          errors={errors}
          onChange={update}
        />
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
          {first && (
            <button type="button" onClick={() => preset && setValues(valuesFor(preset))}>
              Reset to preset defaults
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function ExperimentForm({ datasets }: { datasets: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dataset, setDataset] = useState('cifar10');
  const [folderPath, setFolderPath] = useState('');
  const [seed, setSeed] = useState('42');
  const [epochs, setEpochs] = useState('');
  const experiment = useMutation(
    trpc.runs.queueExperiment.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );
  const errors = fieldErrorsOf(experiment.error);

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
      <form
        className="fields"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          experiment.mutate({
            dataset: datasetValue(dataset, folderPath),
            seed: numberOrUndefined(seed),
            epochs: numberOrUndefined(epochs),
          });
        }}
      >
        <DatasetInputs
          idPrefix="experiment-"
          datasets={datasets}
          dataset={dataset}
          folderPath={folderPath}
          error={errors.dataset}
          onChange={(nextDataset, nextFolder) => {
            setDataset(nextDataset);
            setFolderPath(nextFolder);
          }}
        />
        <Field id="experiment-seed" label="Seed" error={errors.seed}>
          <input
            id="experiment-seed"
            inputMode="numeric"
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
          />
        </Field>
        <Field
          id="experiment-epochs"
          label="Epochs (optional)"
          error={errors.epochs}
          hint="empty: each preset's own"
        >
          <input
            id="experiment-epochs"
            inputMode="numeric"
            value={epochs}
            onChange={(e) => setEpochs(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={experiment.isPending}>
            {experiment.isPending ? 'Queueing…' : "Queue the lab's experiment"}
          </button>
        </div>
      </form>
    </section>
  );
}
