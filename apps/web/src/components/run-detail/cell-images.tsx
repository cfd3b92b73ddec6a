'use client';
/** The test images in one confusion-matrix cell (true class × predicted class). */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatConfidence } from '~/lib/format.ts';
import { useTRPC } from '~/trpc/client.tsx';
import {
  HEATMAP_EXPLANATION,
  HeatmapToggle,
  ImageGallery,
  type GalleryHeatmap,
} from '../image-gallery.tsx';
import { Loading, QueryError } from '../query-state.tsx';
import type { ConfusionCell } from './detail-types.ts';

export function CellImages(props: { runId: string; cell: ConfusionCell; onClose: () => void }) {
  const trpc = useTRPC();
  const examples = useQuery(
    trpc.reports.cellExamples.queryOptions({ runId: props.runId, ...props.cell }),
  );
  const [showHeatmaps, setShowHeatmaps] = useState(false);
  const { actual, predicted } = props.cell;
  return (
    <section className="panel" data-testid="cell-images" aria-live="polite">
      <div className="page-head" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>
          {examples.data
            ? `True ${examples.data.actualLabel}, predicted ${examples.data.predictedLabel}: ${examples.data.count} image${examples.data.count === 1 ? '' : 's'}`
            : 'Images in this cell'}
        </h2>
        <div className="panel-actions">
          <HeatmapToggle
            checked={showHeatmaps}
            onChange={setShowHeatmaps}
            testId="heatmap-toggle-cell"
          />
          <button type="button" className="small" onClick={props.onClose}>
            Close
          </button>
        </div>
      </div>
      {showHeatmaps && <p className="muted small">{HEATMAP_EXPLANATION}</p>}
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
            showHeatmaps={showHeatmaps}
            items={examples.data.examples.map((example) => ({
              index: example.index,
              caption: `#${example.index}`,
              detail:
                example.confidence === null
                  ? undefined
                  : `${formatConfidence(example.confidence)} sure`,
              wrong: actual !== predicted,
              heatmaps: cellHeatmaps(
                actual,
                predicted,
                examples.data.actualLabel,
                examples.data.predictedLabel,
              ),
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

/** The cell's predicted class, then its true class when the two differ. */
function cellHeatmaps(
  actual: number,
  predicted: number,
  actualLabel: string,
  predictedLabel: string,
): GalleryHeatmap[] {
  const heatmaps: GalleryHeatmap[] = [
    { classIndex: predicted, role: 'predicted', label: predictedLabel },
  ];
  if (actual !== predicted) heatmaps.push({ classIndex: actual, role: 'true', label: actualLabel });
  return heatmaps;
}
