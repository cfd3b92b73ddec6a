/**
 * A run's progress, said one way everywhere: the dashboard's status badge, `convlab show`, and the
 * ETA of the trainer's terminal lines. From the live progress columns the database keeps.
 */

/** What a run is doing while it runs: training batches, or filling a cache of frozen activations. */
export const RUN_STAGES = ['train', 'cache-features', 'cache-trunk'] as const;
export type RunStage = (typeof RUN_STAGES)[number];

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
export function describeProgress(run: ProgressColumns): ProgressView | null {
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

/** "45s", "6m00s", "2h05m": an ETA or a duration short enough for a progress line. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The ETA part of a progress line: "ETA 6m00s", or "ETA ≥ 6m00s" when a phase is not counted. */
export function etaText(etaSeconds: number, lowerBound: boolean): string {
  return `ETA ${lowerBound ? '≥ ' : ''}${formatEta(etaSeconds)}`;
}

/** A progress view as one line: "epoch 3/10 · batch 40/176 · ETA 6m00s". */
export function progressText(view: ProgressView): string {
  const parts = [view.epochLabel];
  if (view.batchLabel) parts.push(view.batchLabel);
  if (view.etaSeconds !== null) parts.push(etaText(view.etaSeconds, view.etaLowerBound));
  return parts.join(' · ');
}
