'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import {
  formatBytes,
  formatCompact,
  formatDateTime,
  formatDuration,
  formatPercent,
  secondsBetween,
} from '~/lib/format.ts';
import type { RouterOutputs } from '~/server/root.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { ClassificationReport } from './classification-report.tsx';
import { ConfusionMatrix } from './confusion-matrix.tsx';
import { ImageGallery } from './image-gallery.tsx';
import { AccuracyChart, GapChart, LossChart } from './learning-curves.tsx';
import { Empty, Loading, QueryError } from './query-state.tsx';
import { RunActions } from './run-actions.tsx';
import { RunProgress, StatusBadge } from './status-badge.tsx';

type Detail = RouterOutputs['runs']['detail'];
type Run = Detail['run'];
type Report = NonNullable<Run['report']>;

const GALLERY_SIZE = 24;

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
}

export function RunDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const detail = useQuery(
    trpc.runs.detail.queryOptions(
      { id },
      {
        refetchInterval: (query) => {
          const status = query.state.data?.run.status;
          return status === 'running' || status === 'queued' ? 2000 : false;
        },
      },
    ),
  );
  if (detail.isPending) return <Loading what="the run" />;
  if (detail.isError)
    return (
      <QueryError error={detail.error} what="this run" onRetry={() => void detail.refetch()} />
    );
  const { run, artifacts, now } = detail.data;
  const wall =
    run.trainSeconds ??
    secondsBetween(run.startedAt, run.finishedAt ?? (run.status === 'running' ? now : null));

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{run.name}</h1>
          <p>
            <span className="mono">{run.id}</span> ·{' '}
            <StatusBadge status={run.status} cancelRequested={run.cancelRequested} /> · {run.preset}{' '}
            v{run.presetVersion} on <span className="mono">{run.dataset}</span>
            {run.groupId && (
              <>
                {' '}
                · group <Link href={`/?group=${run.groupId}`}>{run.groupId}</Link>
              </>
            )}
          </p>
        </div>
        <RunActions run={run} onDeleted={() => router.push('/')} />
      </div>

      {run.status === 'running' && (
        <div className="panel">
          <RunProgress run={run} />
        </div>
      )}
      {run.status === 'queued' && (
        <div className="notice info" role="status">
          Waiting in the queue (priority {run.priority}). If nothing picks it up, start a trainer:{' '}
          <code>npx convlab trainer</code>.
        </div>
      )}
      {run.error && (
        <div
          className={`notice ${run.status === 'failed' ? 'error' : 'warn'}`}
          role="alert"
          data-testid="run-error"
        >
          <strong>
            {run.status === 'failed' ? 'This run failed.' : 'An earlier attempt failed.'}
          </strong>
          <pre className="error-text">{run.error}</pre>
          {run.status === 'failed' && <p>Fix the cause (see the message), then press Retry.</p>}
        </div>
      )}

      {run.skipped && run.skipped.count > 0 && <SkippedFilesNotice skipped={run.skipped} />}

      <div className="stats">
        <Stat label="Test accuracy" value={formatPercent(run.testAcc)} testId="stat-test-acc" />
        <Stat
          label={`Best val accuracy${run.bestEpoch ? ` (epoch ${run.bestEpoch})` : ''}`}
          value={formatPercent(run.bestValAcc)}
        />
        <Stat label="Macro F1" value={run.macroF1 === null ? '–' : run.macroF1.toFixed(3)} />
        <Stat label="Overfitting gap" value={formatPercent(run.report?.overfittingGap)} />
        <Stat label="Parameters" value={formatCompact(run.paramCount)} />
        <Stat label="Wall time" value={formatDuration(wall)} />
        <Stat label="Backend" value={run.backend ?? '–'} />
      </div>

      {run.epochs.length === 0 ? (
        <div className="panel">
          <Empty title="No epochs yet.">
            <p>Learning curves appear here as each epoch finishes.</p>
          </Empty>
        </div>
      ) : (
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
            <EpochTable epochs={run.epochs} />
          </section>
        </div>
      )}

      {run.report ? (
        <ReportSections runId={run.id} report={run.report} />
      ) : (
        run.status === 'completed' && (
          <div className="notice warn">This run finished without a stored report.</div>
        )
      )}

      <div className="grid-2">
        <section className="panel">
          <h2>Configuration</h2>
          {run.configError && <div className="notice error">{run.configError}</div>}
          <dl className="kv" data-testid="run-config">
            {Object.entries(run.config ?? {}).map(([key, value]) => (
              <div key={key} style={{ display: 'contents' }}>
                <dt>{key}</dt>
                <dd>{value === null ? 'null' : String(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="panel">
          <h2>Timings and downloads</h2>
          <dl className="kv">
            <dt>queued</dt>
            <dd>{formatDateTime(run.createdAt)}</dd>
            <dt>started</dt>
            <dd>{formatDateTime(run.startedAt)}</dd>
            <dt>finished</dt>
            <dd>{formatDateTime(run.finishedAt)}</dd>
            <dt>training time</dt>
            <dd>{formatDuration(run.trainSeconds)}</dd>
            <dt>backend</dt>
            <dd>{run.backend ?? '–'}</dd>
            <dt>attempts</dt>
            <dd>
              {run.attempts}/{run.maxAttempts}
              {run.resumedFromEpoch ? ` (resumed from epoch ${run.resumedFromEpoch})` : ''}
            </dd>
          </dl>
          <h3 style={{ marginTop: 16 }}>Downloads</h3>
          {artifacts.length === 0 ? (
            <p className="muted">
              The trained model (TensorFlow.js format) and report.json appear here when the run
              completes.
            </p>
          ) : (
            <ul data-testid="downloads">
              {artifacts.some((file) => file.path.startsWith('model/')) && (
                <li>
                  <a href={`/api/runs/${run.id}/model.tar`} download>
                    model.tar
                  </a>{' '}
                  <span className="muted small">
                    (the model folder: model.json + weights, for tf.loadLayersModel)
                  </span>
                </li>
              )}
              {artifacts.map((file) => (
                <li key={file.path}>
                  <a href={`/api/runs/${run.id}/files/${file.path}`} download>
                    {file.path}
                  </a>{' '}
                  <span className="muted small">{formatBytes(file.bytes)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

function EpochTable({ epochs }: { epochs: Run['epochs'] }) {
  return (
    <div className="table-wrap" style={{ maxHeight: 260, overflowY: 'auto' }}>
      <table className="data">
        <thead>
          <tr>
            <th className="num">Epoch</th>
            <th>Phase</th>
            <th className="num">Loss</th>
            <th className="num">Acc</th>
            <th className="num">Val loss</th>
            <th className="num">Val acc</th>
            <th className="num">LR</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((e) => (
            <tr key={e.epoch}>
              <td className="num">{e.epoch}</td>
              <td>{e.phase}</td>
              <td className="num">{e.loss.toFixed(4)}</td>
              <td className="num">{formatPercent(e.acc)}</td>
              <td className="num">{e.valLoss.toFixed(4)}</td>
              <td className="num">{formatPercent(e.valAcc)}</td>
              <td className="num">{e.lr.toExponential(1)}</td>
              <td className="num">{formatDuration(e.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReportSections({ runId, report }: { runId: string; report: Report }) {
  const [cell, setCell] = useState<{ actual: number; predicted: number } | null>(null);
  return (
    <>
      <div className="grid-2">
        <section className="panel">
          <h2>Classification report (test set)</h2>
          <ClassificationReport
            perClass={report.perClass}
            macroAvg={report.macroAvg}
            weightedAvg={report.weightedAvg}
          />
          <p className="muted small">
            Test accuracy {formatPercent(report.testAcc)} · test loss {report.testLoss.toFixed(4)}
          </p>
        </section>
        <section className="panel">
          <h2>Confusion matrix</h2>
          <ConfusionMatrix
            classNames={report.classNames}
            matrix={report.confusionMatrix}
            selected={cell}
            onSelect={setCell}
          />
        </section>
      </div>
      {cell && <CellImages runId={runId} cell={cell} onClose={() => setCell(null)} />}
      <section className="panel">
        <h2>Most confidently misclassified</h2>
        {report.misclassified.length === 0 ? (
          <p className="muted">No test image was misclassified.</p>
        ) : (
          <ImageGallery
            runId={runId}
            testId="misclassified-gallery"
            items={report.misclassified.slice(0, GALLERY_SIZE).map((example) => ({
              index: example.index,
              actualLabel: example.trueLabel,
              predictedLabel: example.predictedLabel,
              caption: `${example.trueLabel} → ${example.predictedLabel}`,
              detail: `${formatPercent(example.confidence, 0)} sure · #${example.index}`,
              wrong: true,
            }))}
          />
        )}
      </section>
    </>
  );
}

function CellImages(props: {
  runId: string;
  cell: { actual: number; predicted: number };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const examples = useQuery(
    trpc.reports.cellExamples.queryOptions({ runId: props.runId, ...props.cell }),
  );
  return (
    <section className="panel" data-testid="cell-images" aria-live="polite">
      <div className="page-head" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>
          {examples.data
            ? `True ${examples.data.actualLabel}, predicted ${examples.data.predictedLabel}: ${examples.data.count} image${examples.data.count === 1 ? '' : 's'}`
            : 'Images in this cell'}
        </h2>
        <button type="button" className="small" onClick={props.onClose}>
          Close
        </button>
      </div>
      {examples.isPending ? (
        <Loading what="the images" />
      ) : examples.isError ? (
        <QueryError error={examples.error} what="the images" />
      ) : examples.data.count === 0 ? (
        <p className="muted">No test image falls in this cell.</p>
      ) : (
        <>
          {examples.data.datasetError && (
            <div className="notice warn">
              Cannot load the dataset to show images: {examples.data.datasetError}
            </div>
          )}
          {!examples.data.complete && (
            <p className="muted small">
              {examples.data.examples.length === 0
                ? 'This run stored only its misclassified examples, so the images of correct predictions cannot be listed.'
                : `Showing the ${examples.data.examples.length} images this run stored for this cell.`}
            </p>
          )}
          <ImageGallery
            runId={props.runId}
            items={examples.data.examples.map((example) => ({
              index: example.index,
              caption: `#${example.index}`,
              detail:
                example.confidence === null
                  ? undefined
                  : `${formatPercent(example.confidence, 0)} sure`,
              wrong: props.cell.actual !== props.cell.predicted,
            }))}
          />
          {examples.data.examples.length < examples.data.count && examples.data.complete && (
            <p className="muted small">
              First {examples.data.examples.length} of {examples.data.count}.
            </p>
          )}
        </>
      )}
    </section>
  );
}

const SKIP_KINDS: Record<string, string> = {
  'too-many-pixels': 'over the pixel limit',
  'file-too-large': 'over the file size limit',
  'not-an-image': 'not PNG or JPEG',
  corrupt: 'could not be decoded',
  unreadable: 'could not be read',
};

/** The image-folder files the run did not train on: counts by reason, and the first few by name. */
function SkippedFilesNotice({
  skipped,
}: {
  skipped: {
    count: number;
    byKind: Record<string, number>;
    examples: { file: string; reason: string }[];
  };
}) {
  const kinds = Object.entries(skipped.byKind).map(
    ([kind, count]) => `${count} ${SKIP_KINDS[kind] ?? kind}`,
  );
  return (
    <div className="notice warn" role="status" data-testid="skipped-files">
      <strong>
        {skipped.count} {skipped.count === 1 ? 'file' : 'files'} of the dataset skipped
      </strong>{' '}
      ({kinds.join(', ')}).
      <ul>
        {skipped.examples.map((example) => (
          <li key={example.file}>
            <code>{example.file}</code>: {example.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
