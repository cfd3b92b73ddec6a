import { describe, expect, it } from 'vitest';
import { describeProgress, formatEta, progressText } from '../../src/contracts/run-progress.ts';

const running = { status: 'running', totalEpochs: 4, etaSeconds: 90 };

describe('describeProgress', () => {
  it('counts finished epochs plus the share of the epoch in progress', () => {
    const view = describeProgress({ ...running, currentEpoch: 2, batch: 25, totalBatches: 100 });
    expect(view?.fraction).toBeCloseTo((1 + 0.25) / 4);
    expect(view?.epochLabel).toBe('epoch 2/4');
    expect(view?.batchLabel).toBe('batch 25/100');
  });

  it('between epochs shows the finished ones', () => {
    const view = describeProgress({ ...running, currentEpoch: 3, batch: null, totalBatches: null });
    expect(view?.fraction).toBeCloseTo(0.75);
    expect(view?.batchLabel).toBeNull();
  });

  it('while a cache fills, shows its images and the epoch waiting for it', () => {
    const view = describeProgress({
      ...running,
      currentEpoch: 1,
      batch: null,
      totalBatches: null,
      stage: 'cache-trunk',
      cacheDone: 12000,
      cacheTotal: 45000,
    });
    expect(view?.fraction).toBe(0);
    expect(view?.epochLabel).toBe('epoch 1/4');
    expect(view?.batchLabel).toBe('caching trunk activations 12,000/45,000 images');
    expect(view?.etaSeconds).toBe(90);
  });

  it('before the first report says what it is doing instead of "epoch 0"', () => {
    const view = describeProgress({
      ...running,
      currentEpoch: null,
      batch: null,
      totalBatches: null,
    });
    expect(view).toEqual({
      fraction: 0,
      epochLabel: 'epoch 1/4',
      batchLabel: 'loading the dataset and the model',
      etaSeconds: null,
      etaLowerBound: false,
    });
  });

  it('passes on whether the whole-run ETA leaves out a phase nobody has timed yet', () => {
    const view = describeProgress({
      ...running,
      currentEpoch: 2,
      batch: 5,
      totalBatches: 10,
      etaLowerBound: true,
    });
    expect(view).toMatchObject({ etaSeconds: 90, etaLowerBound: true });
  });

  it('is nothing for runs that are not running', () => {
    expect(
      describeProgress({
        ...running,
        status: 'queued',
        currentEpoch: null,
        batch: null,
        totalBatches: null,
      }),
    ).toBeNull();
  });
});

describe('progress lines', () => {
  it('says where a run stands and its ETA in one line, the way show and the terminal do', () => {
    expect(formatEta(45)).toBe('45s');
    expect(formatEta(360)).toBe('6m00s');
    expect(formatEta(7500)).toBe('2h05m');
    const view = describeProgress({ ...running, currentEpoch: 3, batch: 40, totalBatches: 176 });
    if (!view) throw new Error('expected a view');
    expect(progressText({ ...view, etaSeconds: 360 })).toBe('epoch 3/4 · batch 40/176 · ETA 6m00s');
    expect(progressText({ ...view, etaSeconds: 360, etaLowerBound: true })).toBe(
      'epoch 3/4 · batch 40/176 · ETA ≥ 6m00s',
    );
    expect(progressText({ ...view, batchLabel: null, etaSeconds: null })).toBe('epoch 3/4');
  });
});
