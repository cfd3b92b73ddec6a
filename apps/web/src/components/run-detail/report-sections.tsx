'use client';
/** The run's test report: classification report, confusion matrix (click a cell for its images), mistakes. */
import { useState } from 'react';
import { formatConfidence, formatPercent } from '~/lib/format.ts';
import { ClassificationReport } from '../classification-report.tsx';
import { ConfusionMatrix } from '../confusion-matrix.tsx';
import {
  HEATMAP_EXPLANATION,
  HeatmapToggle,
  ImageGallery,
  type GalleryHeatmap,
} from '../image-gallery.tsx';
import { CellImages } from './cell-images.tsx';
import type { ConfusionCell, RunReport } from './detail-types.ts';

const GALLERY_SIZE = 24;

export function ReportSections({ runId, report }: { runId: string; report: RunReport }) {
  const [cell, setCell] = useState<ConfusionCell | null>(null);
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
      <MisclassifiedGallery runId={runId} report={report} />
    </>
  );
}

function MisclassifiedGallery({ runId, report }: { runId: string; report: RunReport }) {
  const [showHeatmaps, setShowHeatmaps] = useState(false);
  const hasMistakes = report.misclassified.length > 0;
  return (
    <section className="panel">
      <div className="page-head" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Most confidently misclassified</h2>
        {hasMistakes && (
          <HeatmapToggle
            checked={showHeatmaps}
            onChange={setShowHeatmaps}
            testId="heatmap-toggle-gallery"
          />
        )}
      </div>
      {hasMistakes && <p className="muted small">{HEATMAP_EXPLANATION}</p>}
      {!hasMistakes ? (
        <p className="muted">No test image was misclassified.</p>
      ) : (
        <ImageGallery
          runId={runId}
          testId="misclassified-gallery"
          showHeatmaps={showHeatmaps}
          items={report.misclassified.slice(0, GALLERY_SIZE).map((example) => ({
            index: example.index,
            actualLabel: example.trueLabel,
            predictedLabel: example.predictedLabel,
            caption: `${example.trueLabel} → ${example.predictedLabel}`,
            detail: `${formatConfidence(example.confidence)} sure · #${example.index}`,
            wrong: true,
            heatmaps: mistakeHeatmaps(report.classNames, example.predictedLabel, example.trueLabel),
          }))}
        />
      )}
    </section>
  );
}

/** The predicted and the true class of a mistake (a label the report does not list is left out). */
function mistakeHeatmaps(
  classNames: readonly string[],
  predictedLabel: string,
  trueLabel: string,
): GalleryHeatmap[] {
  const heatmaps: GalleryHeatmap[] = [
    { classIndex: classNames.indexOf(predictedLabel), role: 'predicted', label: predictedLabel },
    { classIndex: classNames.indexOf(trueLabel), role: 'true', label: trueLabel },
  ];
  return heatmaps.filter((heat) => heat.classIndex >= 0);
}
