'use client';
/**
 * The Predict panel's state: the two prediction mutations, the cards they produce, and the blob: URLs
 * that preview uploads (freed when replaced or when the panel goes away).
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import {
  MAX_PREDICT_IMAGES,
  MAX_PREDICT_REQUEST_BYTES,
  uploadProblem,
} from '~/lib/predict-limits.ts';
import { useTRPC } from '~/trpc/client.tsx';
import type { OverlayImage } from '../image-gallery.tsx';
import { errorMessage } from '../query-state.tsx';

export const TEST_IMAGE_COUNT = 4;

export interface ClassBar {
  label: string;
  probability: number;
}

export interface PredictionCard {
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

export function usePredict(runId: string) {
  const trpc = useTRPC();
  const [cards, setCards] = useState<PredictionCard[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [backend, setBackend] = useState<string | null>(null);
  const blobUrls = useRef<string[]>([]);
  const predictImages = useMutation(trpc.predict.images.mutationOptions());
  const predictTestImages = useMutation(trpc.predict.testImages.mutationOptions());

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

  return {
    cards,
    problems,
    backend,
    busy: predictImages.isPending || predictTestImages.isPending,
    error: predictImages.error ?? predictTestImages.error,
    predictFiles,
    predictRandomTestImages,
  };
}
