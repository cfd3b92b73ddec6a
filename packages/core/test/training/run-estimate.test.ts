import { describe, expect, it } from 'vitest';
import {
  estimatePhasesSeconds,
  estimateRunSeconds,
  phaseRatesFrom,
  resolveRunConfig,
  setupSecondsPerImage,
  type RunTiming,
} from '../../src/index.ts';

/** A transfer run's timing: 1,000 training images, 2 frozen epochs at 1 ms/img, 1 fine-tune at 10 ms/img. */
function transferTiming(scale = 1): RunTiming {
  return {
    seconds: {
      loading: 2,
      caching: 3,
      training: 12 * scale,
      validation: 1.2 * scale,
      evaluation: 1,
    },
    imagesPerSecond: 3000 / (12 * scale),
    phases: [
      {
        phase: 'frozen',
        epochs: 2,
        images: 2000,
        seconds: 2 * scale,
        imagesPerSecond: 1000 / scale,
      },
      {
        phase: 'fine-tune',
        epochs: 1,
        images: 1000,
        seconds: 10 * scale,
        imagesPerSecond: 100 / scale,
      },
    ],
  };
}

describe('run estimates', () => {
  it('rates each phase by its own speed, validation included, the median over runs', () => {
    const rates = phaseRatesFrom([transferTiming(1), transferTiming(3), transferTiming(1.5)]);
    // Validation adds 10 % of training time in every run.
    expect(rates.frozen).toBeCloseTo(0.001 * 1.5 * 1.1, 9);
    expect(rates['fine-tune']).toBeCloseTo(0.01 * 1.5 * 1.1, 9);
    expect(rates.train).toBeUndefined();
  });

  it('estimates a whole run, setup included, and names the phases nobody has timed', () => {
    const timings = [transferTiming()];
    const config = resolveRunConfig({ preset: 'transfer-plus', epochs: 5, fineTuneEpochs: 4 });
    const estimate = estimateRunSeconds(
      config,
      500,
      phaseRatesFrom(timings),
      setupSecondsPerImage(timings),
    );
    // 5 × 500 × 1.1 ms + 4 × 500 × 11 ms + (6 s of setup per 1,000 images) × 500.
    expect(estimate.seconds).toBeCloseTo(2.75 + 22 + 3, 6);
    expect(estimate.untimed).toEqual([]);
    const cnn = estimateRunSeconds(
      resolveRunConfig({ preset: 'seed-cnn' }),
      500,
      phaseRatesFrom(timings),
    );
    expect(cnn).toEqual({ seconds: 0, untimed: ['train'] });
    expect(estimatePhasesSeconds([{ phase: 'frozen', epochs: 0 }], 500, {})).toEqual({
      seconds: 0,
      untimed: [],
    });
  });
});
