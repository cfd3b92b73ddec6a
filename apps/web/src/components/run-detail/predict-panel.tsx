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
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import {
  MAX_PREDICT_BYTES,
  MAX_PREDICT_IMAGES,
  MAX_PREDICT_REQUEST_BYTES,
  uploadProblem,
} from '~/lib/predict-limits.ts';
import { useTRPC } from '~/trpc/client.tsx';
import { HeatmapOverlays, HeatmapToggle, type OverlayImage } from '../image-gallery.tsx';
import { errorMessage } from '../query-state.tsx';

const TEST_IMAGE_COUNT = 4;

interface ClassBar {
  label: string;
  probability: number;
}

interface PredictionCard {
  key: string;
  title: string;
  /** A blob: URL of the upload, or the test image's URL. */
  imageUrl: string;
  trueLabel: string | null;
  top: ClassBar[] | null;
  error: string | null;
  /** Why the image looks unlike the run's test images; empty when it does not (or is not assessed). */
  unusual: string[];
  /** Grad-CAM overlays (predicted class first, then the true one); empty when there are none. */
  heatmaps: OverlayImage[];
}

interface Heatmap {
  classIndex: number;
  label: string;
  png: string;
}

/** The server's overlays as pictures, captioned by their role (the first is the predicted class). */
function overlayImages(title: string, heatmaps: Heatmap[] | null | undefined): OverlayImage[] {
  return (heatmaps ?? []).map((heat, i) => ({
    src: `data:image/png;base64,${heat.png}`,
    classIndex: heat.classIndex,
    alt: `Grad-CAM for ${heat.label} on ${title}`,
    caption: `${i === 0 ? 'predicted' : 'true'}: ${heat.label}`,
  }));
}

/** The file's bytes as base64 (what predict.images takes). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.replace(/^data:[^,]*,/, ''));
    };
    reader.onerror = () => reject(new Error(`${file.name}: the file cannot be read`));
    reader.readAsDataURL(file);
  });
}

export function PredictPanel({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const [cards, setCards] = useState<PredictionCard[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [backend, setBackend] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const blobUrls = useRef<string[]>([]);
  const predictImages = useMutation(trpc.predict.images.mutationOptions());
  const predictTestImages = useMutation(trpc.predict.testImages.mutationOptions());
  const busy = predictImages.isPending || predictTestImages.isPending;

  // Uploaded previews are blob: URLs; free them when the panel goes away.
  useEffect(() => () => blobUrls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  async function predictFiles(list: FileList | File[]) {
    const files = [...list];
    const found = files.map(uploadProblem).filter((p): p is string => p !== null);
    if (files.length > MAX_PREDICT_IMAGES)
      found.unshift(`at most ${MAX_PREDICT_IMAGES} images at a time (${files.length} picked)`);
    const total = files.reduce((sum, file) => sum + file.size, 0);
    if (total > MAX_PREDICT_REQUEST_BYTES)
      found.unshift(`at most ${MAX_PREDICT_REQUEST_BYTES / 1024 / 1024} MiB of images at a time`);
    setProblems(found);
    if (found.length > 0 || files.length === 0) return;
    let images;
    try {
      images = await Promise.all(
        files.map(async (file) => ({ name: file.name, data: await readAsBase64(file) })),
      );
    } catch (error) {
      setProblems([errorMessage(error)]);
      return;
    }
    predictTestImages.reset();
    const result = await predictImages
      .mutateAsync({ runId, images, explain: true })
      .catch(() => null);
    if (!result) return;
    setBackend(result.backend);
    // The previous uploads' previews are replaced: free them.
    blobUrls.current.forEach((url) => URL.revokeObjectURL(url));
    const urls = files.map((file) => URL.createObjectURL(file));
    blobUrls.current = urls;
    setCards(
      result.predictions.map((p, i) => ({
        key: `upload-${Date.now()}-${i}`,
        title: p.name,
        imageUrl: urls[i] ?? '',
        trueLabel: null,
        top: p.ok ? p.top : null,
        error: p.ok ? null : p.error,
        unusual: p.ok ? (p.outOfDistribution?.reasons ?? []) : [],
        heatmaps: overlayImages(p.name, p.heatmaps),
      })),
    );
  }

  async function predictRandomTestImages() {
    setProblems([]);
    predictImages.reset();
    const result = await predictTestImages
      .mutateAsync({ runId, count: TEST_IMAGE_COUNT, explain: true })
      .catch(() => null);
    if (!result) return;
    setBackend(result.backend);
    setCards(
      result.predictions.map((p) => ({
        key: `test-${p.index}`,
        title: `test image #${p.index}`,
        imageUrl: `/api/runs/${runId}/images/${p.index}`,
        trueLabel: p.trueLabel,
        top: p.ok ? p.top : null,
        error: p.ok ? null : p.error,
        unusual: p.ok ? (p.outOfDistribution?.reasons ?? []) : [],
        heatmaps: overlayImages(`test image ${p.index}`, p.heatmaps),
      })),
    );
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void predictFiles(event.dataTransfer.files);
  }

  const mutationError = predictImages.error ?? predictTestImages.error;
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
      {mutationError && (
        <div className="notice error" role="alert">
          {errorMessage(mutationError)}
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
