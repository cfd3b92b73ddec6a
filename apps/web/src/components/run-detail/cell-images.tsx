'use client';
/** The test images in one confusion-matrix cell (true class × predicted class). */
import { useQuery } from '@tanstack/react-query';
import { formatConfidence } from '~/lib/format.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { ImageGallery } from '../image-gallery.tsx';
import { Loading, QueryError } from '../query-state.tsx';
import type { ConfusionCell } from './detail-types.ts';

export function CellImages(props: { runId: string; cell: ConfusionCell; onClose: () => void }) {
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
                  : `${formatConfidence(example.confidence)} sure`,
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
