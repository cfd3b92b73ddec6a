import type { SkippedFiles } from '../contracts/report-file.ts';

/** Images kept as bytes (HWC, row-major, uint8) and normalised per batch, never stored as float32. */
/** A rectangle of an image in pixels: columns x0 ≤ x < x1, rows y0 ≤ y < y1. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ImageSet {
  /** count × height × width × channels bytes. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Number of classes of the dataset (the one-hot width), even if this subset lacks some of them. */
  numClasses: number;
  /** Image folders: each image's file, relative to the dataset's root (so one image can be re-read). */
  sources?: string[];
}

export type { SkippedFiles } from '../contracts/report-file.ts';

export const NO_SKIPPED_FILES: SkippedFiles = { count: 0, byKind: {}, examples: [] };

export interface LoadedDataset {
  name: string;
  classNames: string[];
  /** Training images after the validation split was carved out. */
  train: ImageSet;
  /** Stratified, seeded hold-out of the training set. */
  val: ImageSet;
  /** Only used for the final evaluation. */
  test: ImageSet;
  /** Files that could not be used (image folders); they are skipped, not trained on. */
  skipped: SkippedFiles;
}

/** A dataset as stored: its own train/test split, before limits and the validation split. */
export interface RawDataset {
  classNames: string[];
  train: ImageSet;
  test: ImageSet;
  skipped: SkippedFiles;
}
