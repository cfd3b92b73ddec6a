'use client';
/**
 * Test images, drawn by the server from the dataset's own pixels (GET /api/runs/:id/images/:index),
 * optionally as Grad-CAM overlays of chosen classes (GET /api/runs/:id/heatmaps/:index?class=N).
 */
import { useState } from 'react';

/** A class whose Grad-CAM heatmap a gallery item can show. */
export interface GalleryHeatmap {
  classIndex: number;
  role: 'predicted' | 'true';
  label: string;
}

export interface GalleryItem {
  index: number;
  caption: string;
  detail?: string;
  wrong?: boolean;
  actualLabel?: string;
  predictedLabel?: string;
  /** The classes to explain when the gallery shows heatmaps (predicted first). */
  heatmaps?: GalleryHeatmap[];
}

/** One overlay picture: a URL or data URI, and the class it explains. */
export interface OverlayImage {
  src: string;
  classIndex: number;
  alt: string;
  caption: string;
}

export function ImageGallery({
  runId,
  items,
  testId,
  showHeatmaps = false,
}: {
  runId: string;
  items: GalleryItem[];
  testId?: string;
  showHeatmaps?: boolean;
}) {
  return (
    <div className="gallery" data-testid={testId}>
      {items.map((item) => {
        const overlays =
          showHeatmaps && item.heatmaps && item.heatmaps.length > 0
            ? item.heatmaps.map((heat) => ({
                src: `/api/runs/${runId}/heatmaps/${item.index}?class=${heat.classIndex}`,
                classIndex: heat.classIndex,
                alt: `Grad-CAM for ${heat.label} on test image ${item.index}`,
                caption: `${heat.role}: ${heat.label}`,
              }))
            : null;
        return (
          <figure
            key={item.index}
            data-index={item.index}
            data-actual-label={item.actualLabel}
            data-predicted-label={item.predictedLabel}
            className={overlays && overlays.length > 1 ? 'wide' : undefined}
          >
            {overlays ? (
              <HeatmapOverlays overlays={overlays} lazy />
            ) : (
              <img
                src={`/api/runs/${runId}/images/${item.index}`}
                alt={`test image ${item.index}: ${item.caption}`}
                loading="lazy"
              />
            )}
            <figcaption>
              <span className={item.wrong ? 'wrong' : undefined}>{item.caption}</span>
              {item.detail && <div className="muted gallery-detail">{item.detail}</div>}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}

/** Overlays side by side, each with a caption naming its class. */
export function HeatmapOverlays({ overlays, lazy }: { overlays: OverlayImage[]; lazy?: boolean }) {
  return (
    <div className="heatmap-overlays">
      {overlays.map((overlay) => (
        <HeatmapOverlayView key={overlay.classIndex} overlay={overlay} lazy={lazy} />
      ))}
    </div>
  );
}

function HeatmapOverlayView({ overlay, lazy }: { overlay: OverlayImage; lazy?: boolean }) {
  // On-demand maps may be refused (429 while the model is busy, 409 without a model): say so in words
  // rather than show a broken image. Toggling the heatmaps off and on mounts a fresh try.
  const [failed, setFailed] = useState(false);
  return (
    <div className="heatmap-overlay">
      {failed ? (
        <div
          className="heatmap-missing muted"
          title="The server could not draw this heatmap now; toggle the heatmaps to try again."
        >
          no heatmap
        </div>
      ) : (
        <img
          src={overlay.src}
          alt={overlay.alt}
          data-testid="heatmap-overlay"
          data-class-index={overlay.classIndex}
          loading={lazy ? 'lazy' : undefined}
          onError={() => setFailed(true)}
        />
      )}
      <div className="heatmap-caption" title={overlay.caption}>
        {overlay.caption}
      </div>
    </div>
  );
}

/** The checkbox that turns a section's Grad-CAM overlays on and off. */
export function HeatmapToggle({
  checked,
  onChange,
  testId,
  label = 'Grad-CAM heatmaps',
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
  label?: string;
}) {
  return (
    <label className="heatmap-toggle small">
      <input
        type="checkbox"
        checked={checked}
        data-testid={testId}
        onChange={(event) => onChange(event.target.checked)}
      />
      {label}
    </label>
  );
}

/** What the overlays mean (shown beside a toggle). */
export const HEATMAP_EXPLANATION =
  'A Grad-CAM map shows where the model found evidence for each class (red = most).';
