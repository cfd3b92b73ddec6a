/** A running run's progress, from its live progress columns. */
export interface ProgressColumns {
  status: string;
  currentEpoch: number | null;
  totalEpochs: number | null;
  batch: number | null;
  totalBatches: number | null;
  etaSeconds: number | null;
  /** The ETA leaves out a phase still to come that nobody has timed here. */
  etaLowerBound?: boolean;
  /** train | cache-features | cache-trunk; null before the first progress report. */
  stage?: string | null;
  cacheDone?: number | null;
  cacheTotal?: number | null;
}

export interface ProgressView {
  /** 0–1 */
  fraction: number;
  epochLabel: string;
  batchLabel: string | null;
  etaSeconds: number | null;
  etaLowerBound: boolean;
}

const CACHE_LABELS: Record<string, string> = {
  'cache-features': 'caching features',
  'cache-trunk': 'caching trunk activations',
};

/**
 * While an epoch trains, `currentEpoch` is that (1-based) epoch and batch/totalBatches say how far it
 * got; between epochs (batch null) `currentEpoch` is the last finished one. While a cache is filled
 * (stage cache-*), `currentEpoch` is the epoch waiting for it. The ETA is always the whole run's.
 */
export function progressView(run: ProgressColumns): ProgressView | null {
  if (run.status !== 'running' || !run.totalEpochs) return null;
  const cacheLabel = run.stage ? CACHE_LABELS[run.stage] : undefined;
  if (cacheLabel && run.cacheTotal) {
    const epoch = Math.max(1, run.currentEpoch ?? 1);
    const images = `${(run.cacheDone ?? 0).toLocaleString('en-US')}/${run.cacheTotal.toLocaleString('en-US')}`;
    return {
      fraction: Math.min(1, Math.max(0, (epoch - 1) / run.totalEpochs)),
      epochLabel: `epoch ${epoch}/${run.totalEpochs}`,
      batchLabel: `${cacheLabel} ${images} images`,
      etaSeconds: run.etaSeconds,
      etaLowerBound: run.etaLowerBound ?? false,
    };
  }
  if (!run.stage && run.currentEpoch === null) {
    // Started, no report yet: the dataset, the model (and pretrained weights) are loading.
    return {
      fraction: 0,
      epochLabel: `epoch 1/${run.totalEpochs}`,
      batchLabel: 'loading the dataset and the model',
      etaSeconds: null,
      etaLowerBound: false,
    };
  }
  const epoch = run.currentEpoch ?? 0;
  const inEpoch = run.batch !== null && run.totalBatches ? run.batch / run.totalBatches : null;
  const done = inEpoch === null ? epoch : Math.max(0, epoch - 1) + inEpoch;
  return {
    fraction: Math.min(1, Math.max(0, done / run.totalEpochs)),
    epochLabel: `epoch ${Math.max(epoch, inEpoch === null ? epoch : 1)}/${run.totalEpochs}`,
    batchLabel: inEpoch === null ? null : `batch ${run.batch}/${run.totalBatches}`,
    etaSeconds: run.etaSeconds,
    etaLowerBound: run.etaLowerBound ?? false,
  };
}
