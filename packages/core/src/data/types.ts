/** Images kept as bytes (HWC, row-major, uint8) and normalised per batch, never stored as float32. */
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
}

export interface LoadedDataset {
  name: string;
  classNames: string[];
  /** Training images after the validation split was carved out. */
  train: ImageSet;
  /** Stratified, seeded hold-out of the training set. */
  val: ImageSet;
  /** Only used for the final evaluation. */
  test: ImageSet;
  /** Files that could not be decoded (image folders); they are skipped, not trained on. */
  skippedFiles: number;
}
