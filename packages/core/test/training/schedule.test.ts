import { describe, expect, it } from 'vitest';
import { planPhases, resolveRunConfig, totalEpochs } from '../../src/index.ts';
import { learningRateAt } from '../../src/training/schedule.ts';

describe('learning-rate schedules', () => {
  it('constant is the peak at every step', () => {
    expect([0, 5, 9].map((s) => learningRateAt('constant', 0.1, s, 10))).toEqual([0.1, 0.1, 0.1]);
  });

  it('one-cycle rises over the first quarter, then falls to nearly 0', () => {
    const rates = Array.from({ length: 100 }, (_, s) => learningRateAt('one-cycle', 0.2, s, 100));
    const peakAt = rates.indexOf(Math.max(...rates));
    expect(peakAt).toBe(25); // the step whose middle first passes 25%
    expect(Math.max(...rates)).toBeCloseTo(0.2, 2);
    for (let s = 1; s <= peakAt; s++) expect(rates[s]).toBeGreaterThan(rates[s - 1]!);
    for (let s = peakAt + 1; s < 100; s++) expect(rates[s]).toBeLessThan(rates[s - 1]!);
    expect(rates[0]).toBeCloseTo(0.004, 6);
    expect(rates[99]).toBeCloseTo(0.2 / 150, 6);
  });

  it('refuses steps outside the phase', () => {
    expect(() => learningRateAt('one-cycle', 0.1, 10, 10)).toThrow(/outside/);
    expect(() => learningRateAt('one-cycle', 0, 1, 10)).toThrow(/peak/);
  });
});

describe('phases', () => {
  it('plans one phase for CNNs and frozen + fine-tune for transfer presets', () => {
    expect(planPhases(resolveRunConfig({ preset: 'seed-cnn' }))).toEqual([
      { phase: 'train', epochs: 10, learningRate: 1e-3 },
    ]);
    const transfer = resolveRunConfig({ preset: 'transfer-plus' });
    expect(planPhases(transfer).map((p) => p.phase)).toEqual(['frozen', 'fine-tune']);
    expect(planPhases(transfer)[1]?.learningRate).toBeCloseTo(
      transfer.learningRate * transfer.fineTuneLearningRateFactor,
      12,
    );
    expect(totalEpochs(transfer)).toBe(transfer.epochs + transfer.fineTuneEpochs);
    expect(totalEpochs(resolveRunConfig({ preset: 'transfer-plus', fineTuneLayers: 0 }))).toBe(
      transfer.epochs,
    );
  });
});
