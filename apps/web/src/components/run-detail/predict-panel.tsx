'use client';
/**
 * Try a completed run's model: drop or pick PNG/JPEG files, or draw a few random test images of its
 * dataset, and see the top-5 classes per image as bars. The server resizes and scales each picture as
 * the run's test images were (predict.images / predict.testImages), so a test image gets the
 * probabilities evaluation gave it. A picture unlike the run's test images (inverted, of unusual
 * brightness or contrast, one the model is unusually unsure of) gets a warning with the reasons,
 * beside its prediction. Each card can swap its image for Grad-CAM overlays of the predicted class and,
 * for a test image the model got wrong, the true class (asked for with `explain`, drawn by the server).
 */
import { useRef, useState, type DragEvent } from 'react';
import { MAX_PREDICT_BYTES, MAX_PREDICT_IMAGES } from '~/lib/predict-limits.ts';
import { HeatmapOverlays, HeatmapToggle } from '../image-gallery.tsx';
import { errorMessage } from '../query-state.tsx';
import { TEST_IMAGE_COUNT, usePredict, type PredictionCard } from './use-predict.ts';

export function PredictPanel({ runId }: { runId: string }) {
  const { cards, problems, backend, busy, error, predictFiles, predictRandomTestImages } =
    usePredict(runId);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void predictFiles(event.dataTransfer.files);
  }

  return (
    <section className="panel" aria-labelledby="predict-title" data-testid="predict-panel">
      <h2 id="predict-title">Predict</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>
          Drop PNG or JPEG images here, or{' '}
          <button type="button" className="small" onClick={() => input.current?.click()}>
            pick files
          </button>{' '}
          <button
            type="button"
            className="small"
            disabled={busy}
            onClick={() => void predictRandomTestImages()}
          >
            {TEST_IMAGE_COUNT} random test images
          </button>
        </p>
        <p className="muted small">
          Up to {MAX_PREDICT_IMAGES} images of at most {MAX_PREDICT_BYTES / 1024 / 1024} MiB each;
          each is resized and scaled exactly as the run&apos;s training images were.
        </p>
        <input
          ref={input}
          type="file"
          accept="image/png,image/jpeg"
          multiple
          hidden
          data-testid="predict-input"
          onChange={(event) => {
            if (event.target.files) void predictFiles(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {busy && <p className="muted">Predicting…</p>}
      {problems.length > 0 && (
        <div className="notice error" role="alert">
          {problems.map((problem) => (
            <div key={problem}>{problem}</div>
          ))}
        </div>
      )}
      {error && (
        <div className="notice error" role="alert">
          {errorMessage(error)}
        </div>
      )}
      {cards.length > 0 && (
        <>
          <div className="prediction-grid">
            {cards.map((card) => (
              <PredictionCardView key={card.key} card={card} />
            ))}
          </div>
          {backend && <p className="muted small">predicted on the {backend} backend</p>}
        </>
      )}
    </section>
  );
}

function PredictionCardView({ card }: { card: PredictionCard }) {
  const [showHeatmap, setShowHeatmap] = useState(false);
  const showing = showHeatmap && card.heatmaps.length > 0;
  const predicted = card.top?.[0]?.label ?? null;
  const verdict =
    card.trueLabel === null || predicted === null
      ? null
      : predicted === card.trueLabel
        ? 'right'
        : 'wrong';
  return (
    <figure
      className={`prediction-card${showing ? ' showing-heatmaps' : ''}`}
      data-testid="prediction-card"
    >
      <div className="prediction-media">
        {showing ? (
          <HeatmapOverlays overlays={card.heatmaps} />
        ) : (
          <img src={card.imageUrl} alt={card.title} />
        )}
        {card.heatmaps.length > 0 && (
          <HeatmapToggle
            checked={showHeatmap}
            onChange={setShowHeatmap}
            testId="heatmap-toggle-predict"
            label="Heatmap"
          />
        )}
      </div>
      <figcaption>
        <div className="prediction-title" title={card.title}>
          {card.title}
        </div>
        {card.trueLabel !== null && (
          <div className={`small ${verdict ?? ''}`}>
            true: {card.trueLabel}
            {verdict && ` · ${verdict}`}
          </div>
        )}
        {card.error && <div className="notice error small">{card.error}</div>}
        {card.unusual.length > 0 && (
          <div className="notice warn small" role="status" data-testid="predict-ood">
            <strong>Unlike the run&apos;s test images</strong>: the prediction may mean little.
            {card.unusual.map((reason) => (
              <div key={reason}>{reason}</div>
            ))}
          </div>
        )}
        {card.top && (
          <ol className="class-bars">
            {card.top.map((bar) => (
              <li key={bar.label} data-label={bar.label} data-probability={bar.probability}>
                <span className="class-bar-label" title={bar.label}>
                  {bar.label}
                </span>
                <span className="class-bar">
                  <span style={{ width: `${Math.max(0.5, bar.probability * 100)}%` }} />
                </span>
                <span className="class-bar-value">{(bar.probability * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        )}
      </figcaption>
    </figure>
  );
}
